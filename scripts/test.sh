#!/usr/bin/env bash
# Quick start, command 2: installs what is missing, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs every test (unit and integration) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
if [ ! -f build/dev/build.ninja ]; then
  cmake --preset dev
fi
cmake --build --preset dev
ctest --preset dev
