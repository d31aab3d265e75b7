#!/usr/bin/env bash
# test.sh - build everything and run every test (README quick start, 2nd command; CI runs it).
#
#   scripts/test.sh
#
# 1. installs what is missing (scripts/setup.sh all);
# 2. native build (build/native): core, CLI, desktop app, Catch2 tests -> ctest;
# 3. sanitized build (build/sanitize, clang 14 with AddressSanitizer + UBSan): the same Catch2
#    tests, and each libFuzzer harness of tests/fuzz for a bounded time -> ctest;
# 4. wasm build (build/wasm): web page, the same Catch2 tests compiled to wasm and run by
#    node, and the browser test (headless Chromium via playwright-core) -> ctest.
# Exits non-zero if any build or test fails; the last lines are ctest's summary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs  # Emscripten 3.1.6 needs Debian's acorn

scripts/setup.sh all

status=0
echo "[test] native build (build/native)"
cmake --preset native >/dev/null
cmake --build --preset native
echo "[test] native tests"
ctest --preset native || status=1

echo "[test] sanitized build (build/sanitize: ASan + UBSan, fuzzers)"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize
echo "[test] sanitized tests and bounded fuzzing"
ctest --preset sanitize || status=1

echo "[test] wasm build (build/wasm)"
cmake --preset wasm >/dev/null
cmake --build --preset wasm
echo "[test] wasm tests (node) and browser test (headless Chromium)"
ctest --preset wasm || status=1
exit $status
