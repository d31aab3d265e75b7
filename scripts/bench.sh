#!/usr/bin/env bash
# bench.sh - training speed, Ganvas native vs Ganvas wasm (node) vs PyTorch, in one run.
#
#   scripts/bench.sh [ROUNDS]      (default 3)
#
# Interleaves the three benchmarks ROUNDS times at batch 64 on one thread (the machine is
# shared and noisy: compare within a run) and prints each run's JSON line, then the medians and
# the ratios. Needs the native and wasm builds (scripts/test.sh makes both). The page's own
# figure: node web/tests/bench_browser.mjs (headless Chromium, window.ganvas.bench()).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
rounds="${1:-3}"
native=build/native/cli/ganvas
wasm=build/wasm/cli/ganvas_bench.js
[[ -x $native && -f $wasm ]] || { echo "bench: build first (scripts/test.sh)" >&2; exit 1; }
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1  # PyTorch on one thread, like Ganvas
results=$(mktemp)
for ((i = 1; i <= rounds; i++)); do
  "$native" bench --json --batches 64 --trials 5 | sed 's/^/native /' | tee -a "$results"
  node --no-experimental-fetch "$wasm" --json --batches 64 --trials 5 | sed 's/^/wasm /' | tee -a "$results"
  /usr/bin/python3 tools/bench_pytorch.py --batch 64 --threads 1 | sed 's/^/pytorch /' | tee -a "$results"
done
node - "$results" <<'JS'
const lines = require('fs').readFileSync(process.argv[2], 'utf8').trim().split('\n');
const rates = {};
for (const line of lines) {
  const at = line.indexOf(' ');
  (rates[line.slice(0, at)] ||= []).push(JSON.parse(line.slice(at + 1)).iters_per_sec);
}
const median = (v) => { const s = [...v].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const m = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]));
console.log(`median it/s at batch 64, 1 thread: native ${m.native}, wasm (node) ${m.wasm}, PyTorch ${m.pytorch}`);
console.log(`ratios: native/PyTorch ${(m.native / m.pytorch).toFixed(2)}x, wasm/PyTorch ${(m.wasm / m.pytorch).toFixed(2)}x`);
JS
rm -f "$results"
