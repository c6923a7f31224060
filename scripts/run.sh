#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, builds the Release binaries and the
# web client, and starts parleyd on 127.0.0.1:8080 with its embedded SQLite store in
# ./data, demo users and the web client. Extra arguments go to parleyd (see
# build/release/src/server/parleyd --help).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
if [ ! -f build/release/build.ninja ]; then
  cmake --preset release
fi
cmake --build --preset release --target parleyd parley web

cat <<INFO

Parley is starting. Open http://127.0.0.1:8080/ in a browser (the web client).
Demo users: alice, bob and carol, password parley-demo-1.
  Command line:  build/release/src/cli/parley login alice
                 build/release/src/cli/parley whoami
  HTTP:          curl -s -X POST http://127.0.0.1:8080/api/v1/login \\
                   -d '{"username":"alice","password":"parley-demo-1"}'
  WebSocket:     ws://127.0.0.1:8080/ws  (protocol: docs/protocol.md)
Stop with Ctrl+C.

INFO
exec build/release/src/server/parleyd --listen 127.0.0.1:8080 --data-dir ./data --demo-data --web-root web/dist "$@"
