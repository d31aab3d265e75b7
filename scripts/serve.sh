#!/usr/bin/env bash
# serve.sh - build the browser playground and serve it on 127.0.0.1 (README quick start, 1st command).
#
#   scripts/serve.sh [PORT]      (default 8080, or the next free port)
#
# Installs what it needs (scripts/setup.sh wasm), builds the wasm preset, then runs
# web/serve.mjs, which prints the URL to open. Ctrl-C stops the server.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs  # Emscripten 3.1.6 needs Debian's acorn (see TOOLCHAIN notes in README)

scripts/setup.sh wasm
echo "[serve] building the web page (build/wasm)"
cmake --preset wasm >/dev/null
cmake --build --preset wasm --target ganvas_page  # build/wasm/web: ganvas.html + both builds
exec node web/serve.mjs --dir build/wasm/web ${1:+--port "$1"}
