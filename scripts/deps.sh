#!/usr/bin/env bash
# Installs the Debian packages Parley needs, only those that are missing.
# Works as root or through sudo; never prompts.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev openssl libsodium-dev
  libsqlite3-dev libsqlitecpp-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libjemalloc-dev procps curl
)
# Later milestones add to this list (PostgreSQL, NATS, Qt, Chromium, Node).
if [ "${PARLEY_DEPS_EXTRA:-}" != "" ]; then
  read -r -a extra <<<"$PARLEY_DEPS_EXTRA"
  packages+=("${extra[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    # Ask for a password only when someone is there to type it.
    if [ -t 0 ]; then sudo_cmd=(sudo); else sudo_cmd=(sudo -n); fi
  else
    echo "deps: missing ${missing[*]} and not root (no sudo): install them as root" >&2
    exit 1
  fi
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
