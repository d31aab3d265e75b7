#!/usr/bin/env bash
# soak.sh - long runs that must stay flat (issue 12 item 7): memory at the start and the end, and
# throughput over time, natively and in the page.
#
#   scripts/soak.sh [NATIVE_STEPS] [PAGE_STEPS]     (defaults 100000 and 10000; 0 skips one)
#
# Native: `ganvas train --steps NATIVE_STEPS --threads 1` (the seed's config), its resident memory
# (VmRSS of /proc/PID/status) sampled every 20 s with the CLI's latest progress line (its step and
# the run's mean iterations per second so far); then the memory at the first sample past 1,000
# steps (buffers sized on first use are allocated by then) against the last one.
# Page: web/tests/memory_browser.mjs --steps PAGE_STEPS (headless Chromium: wasm memory and the
# bytes malloc has in use, a line per 1,000 steps; it fails if the memory grows).
# Needs the native build (cmake --build --preset native) and, for the page, the wasm one.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
native_steps="${1:-100000}"
page_steps="${2:-10000}"
ganvas=build/native/cli/ganvas
out=build/soak
mkdir -p "$out"

if ((native_steps > 0)); then
  [[ -x $ganvas ]] || { echo "soak: build first (cmake --preset native && cmake --build --preset native)" >&2; exit 1; }
  log="$out/native.log"
  "$ganvas" train --steps "$native_steps" --threads 1 --out "$out/native" 2>"$log" >/dev/null &
  pid=$!
  start=$(date +%s)
  echo "soak: native, $native_steps steps of the seed's config on 1 thread (pid $pid)"
  printf '%8s %10s %12s %10s\n' "seconds" "step" "mean it/s" "RSS MiB"
  base_rss="" base_step="" rss=0 step=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 20
    kill -0 "$pid" 2>/dev/null || break
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    # The CLI's latest progress line: "step S/N (P%)  R it/s  ..." (R: the run's mean so far).
    line=$(tr '\r' '\n' <"$log" | grep '^step [0-9]*/' | tail -1 || true)
    step=$(echo "$line" | awk '{ split($2, a, "/"); print a[1] + 0 }')
    rate=$(echo "$line" | awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "it/s") print $i }')
    now=$(date +%s)
    printf '%8d %10d %12s %10.1f\n' "$((now - start))" "$step" "${rate:--}" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
    if [[ -z $base_rss ]] && ((step >= 1000)); then base_rss=$rss base_step=$step; fi
  done
  wait "$pid"
  tail -1 <(tr '\r' '\n' <"$log" | grep '^done:')
  if [[ -n $base_rss ]]; then
    echo "soak: native RSS $(awk -v k="$base_rss" 'BEGIN { printf "%.1f", k / 1024 }') MiB at step $base_step," \
         "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') MiB at step $step"
  fi
fi

if ((page_steps > 0)); then
  echo "soak: page, $page_steps steps (web/tests/memory_browser.mjs)"
  NODE_PATH=/usr/share/nodejs node web/tests/memory_browser.mjs --steps "$page_steps" \
    --timeout "$((page_steps / 5 + 300))"
fi
