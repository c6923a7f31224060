#!/usr/bin/env bash
# Installs the Debian packages Parley needs, only those that are missing.
# Works as root or through sudo; never prompts.
#   deps.sh          what building and running needs (C++ toolchain and libraries, Node.js)
#   deps.sh --tests  and what the tests need besides (Chromium and a CJK font for the
#                    browser tests)
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev openssl libsodium-dev
  libsqlite3-dev libsqlitecpp-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libjemalloc-dev procps curl
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(chromium fonts-wqy-microhei)
fi
# The web client builds with Node.js 18 or newer and npm. Debian 12's nodejs is 18.19;
# a newer Node.js installed otherwise (it brings its own npm) is used as it is.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if ! command -v npm >/dev/null 2>&1 || [ "$(node_major)" -lt 18 ]; then
  packages+=(nodejs npm)
fi
# Later milestones add to this list (PostgreSQL, NATS, Qt).
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
