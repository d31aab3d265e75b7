#!/usr/bin/env bash
# fuzz.sh - run the libFuzzer harnesses (tests/fuzz) long, under ASan + UBSan.
#
#   scripts/fuzz.sh [RUNS] [NAME ...]     RUNS executions each (default 10000000), every harness
#                                         by default: link checkpoint generator_file idx config history
#
# Builds the sanitized tree (preset "sanitize"), then runs each harness from its committed seed
# corpus (new inputs are kept in build/sanitize/tests/fuzz/corpus-NAME), two at a time on the
# machine's two cores, and prints one line per harness: executions, seconds, exec/s, crashes.
# A crash leaves its input in build/sanitize/tests/fuzz/crash-* and makes the script fail.
# The README's "Fuzzing" figures come from this script.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${1:-10000000}"
shift || true
NAMES=("$@")
[ ${#NAMES[@]} -gt 0 ] || NAMES=(link checkpoint generator_file idx config history)
declare -A MAX_LEN=([link]=9000 [checkpoint]=131072 [generator_file]=32768 [idx]=4096 [config]=4096 [history]=4096)

scripts/setup.sh native >/dev/null
cmake --preset sanitize >/dev/null
targets=()
for n in "${NAMES[@]}"; do targets+=("fuzz_$n"); done
cmake --build --preset sanitize --target "${targets[@]}" >/dev/null

DIR="$ROOT/build/sanitize/tests/fuzz"
run_one() {
  local n="$1" log="$DIR/fuzz_$n.log"
  mkdir -p "$DIR/corpus-$n"
  local t0=$SECONDS rc=0
  (cd "$DIR" && ./fuzz_"$n" -runs="$RUNS" -max_len="${MAX_LEN[$n]}" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 "corpus-$n" "$ROOT/tests/fuzz/corpus/$n") >"$log" 2>&1 || rc=$?
  local secs=$((SECONDS - t0)) execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  local crashes=0
  [ $rc -eq 0 ] || crashes=1
  printf '%-15s executions %s  seconds %d  exec/s %s  crashes %d  (log %s)\n' "$n" "${execs:-?}" "$secs" \
    "$(( ${execs:-0} / (secs > 0 ? secs : 1) ))" "$crashes" "$log"
  return $rc
}
status=0
pids=()
for n in "${NAMES[@]}"; do
  run_one "$n" & pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}" || status=1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
