#!/usr/bin/env bash
# bench.sh - training speed, Ganvas native vs Ganvas wasm (node) vs PyTorch, in one run.
#
#   scripts/bench.sh [ROUNDS]      (default 3)
#
# Interleaves the benchmarks ROUNDS times at batch 64, on one thread and on every core (the
# machine is shared and noisy: compare within a run), prints each run's JSON line, then the
# medians and the ratios. wasm with threads is ganvas_bench_mt.js (Emscripten pthreads). Needs the native and wasm builds (scripts/test.sh makes both). The page's own
# figure: node web/tests/bench_browser.mjs (headless Chromium, window.ganvas.bench()).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
rounds="${1:-3}"
native=build/native/cli/ganvas
wasm=build/wasm/cli/ganvas_bench.js
wasm_mt=build/wasm/cli/ganvas_bench_mt.js
[[ -x $native && -f $wasm && -f $wasm_mt ]] || { echo "bench: build first (scripts/test.sh)" >&2; exit 1; }
cores=$(nproc)
results=$(mktemp)
for ((i = 1; i <= rounds; i++)); do
  "$native" bench --json --batches 64 --trials 5 --threads "1,$cores" | sed 's/^/native /' | tee -a "$results"
  node --no-experimental-fetch "$wasm" --json --batches 64 --trials 5 | sed 's/^/wasm /' | tee -a "$results"
  node --no-experimental-fetch "$wasm_mt" --json --batches 64 --trials 5 --threads "$cores" |
    sed 's/^/wasm /' | tee -a "$results"
  # PyTorch on one thread, then on every core in its two ways (the cores to OpenBLAS, or to
  # torch's intra-op pool; both at once oversubscribes them): the faster one counts.
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 tools/bench_pytorch.py --batch 64 --threads 1 |
    sed 's/^/pytorch /' | tee -a "$results"
  if ((cores > 1)); then
    OPENBLAS_NUM_THREADS=$cores OMP_NUM_THREADS=1 /usr/bin/python3 tools/bench_pytorch.py --batch 64 --threads 1 |
      sed 's/^/pytorch /' | tee -a "$results"
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=$cores /usr/bin/python3 tools/bench_pytorch.py --batch 64 --threads "$cores" |
      sed 's/^/pytorch /' | tee -a "$results"
  fi
done
node - "$results" <<'JS'
const lines = require('fs').readFileSync(process.argv[2], 'utf8').trim().split('\n');
const rates = {};  // "native 1" -> [it/s, ...]; PyTorch's ways apart: "pytorch 2 blas2-torch1"
for (const line of lines) {
  const at = line.indexOf(' ');
  const r = JSON.parse(line.slice(at + 1));
  const way = r.torch_threads !== undefined ? ` blas${r.blas_threads}-torch${r.torch_threads}` : '';
  (rates[`${line.slice(0, at)} ${r.threads}${way}`] ||= []).push(r.iters_per_sec);
}
const median = (v) => { const s = [...v].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const m = {};
for (const [k, v] of Object.entries(rates)) {
  const [who, t, way] = k.split(' ');
  const key = `${who} ${t}`;
  if (way) console.log(`PyTorch on ${t} core(s), ${way}: median ${median(v)} it/s`);
  m[key] = Math.max(m[key] ?? 0, median(v));  // PyTorch: its faster way
}
const threads = [...new Set(Object.keys(m).map((k) => Number(k.split(' ')[1])))].sort((a, b) => a - b);
for (const t of threads) {
  const [n, w, p] = ['native', 'wasm', 'pytorch'].map((who) => m[`${who} ${t}`]);
  console.log(`median it/s at batch 64, ${t} thread(s): native ${n}, wasm (node) ${w}, PyTorch ${p}; ` +
    `native/PyTorch ${(n / p).toFixed(2)}x, wasm/PyTorch ${(w / p).toFixed(2)}x`);
}
JS
rm -f "$results"
