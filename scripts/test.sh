#!/usr/bin/env bash
# Quick start, command 2: installs what is missing, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer, builds the web client, and runs every test with ctest: unit
# and integration tests of the server, the client library and the CLI, the web client's
# unit tests and its end-to-end flows in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh --tests
if [ ! -f build/dev/build.ninja ]; then
  cmake --preset dev
fi
cmake --build --preset dev
ctest --preset dev
