#!/usr/bin/env bash
# remedy_table.sh - the README's table of each remedy's effect at 3,120 steps against the seed:
# the same seed (1), the same data (the built-in 10,000 digits), `ganvas eval` of 2,000 samples.
#
#   scripts/remedy_table.sh [STEPS] [SEED]      (defaults 3120 and 1; JOBS=2 runs two at a time)
#
# Each row is one line of ROWS below: "label|ganvas train options" (--preset P and --set K=V,
# several allowed). A new remedy is one more line. Runs go to runs/remedy_table/<n>; the table
# (Markdown) goes to stdout when every run is done. Needs the native build (build/native/cli/ganvas).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
steps="${1:-3120}"
seed="${2:-1}"
parallel="${JOBS:-1}"
ganvas=build/native/cli/ganvas
[[ -x $ganvas ]] || { echo "remedy_table: build first (cmake --build --preset native)" >&2; exit 1; }

ROWS=(
  "seed (bce, non-saturating)|--preset seed"
  "objective minimax (saturating)|--set objective=minimax"
  "objective lsgan|--set objective=lsgan"
  "objective hinge|--set objective=hinge"
  "objective wgan-gp (gp_lambda 10)|--set objective=wgan-gp"
  "R1 penalty (r1_gamma 10)|--set r1_gamma=10"
  "one-sided label smoothing (real_label 0.9)|--set real_label=0.9"
  "2 D steps per G step (d_steps 2)|--set d_steps=2"
  "TTUR (adam_d.lr 4e-4, adam_g.lr 1e-4)|--set adam_d.lr=0.0004 --set adam_g.lr=0.0001"
)

out=runs/remedy_table
mkdir -p "$out"
run_row() {  # index, options
  local dir="$out/$1"
  # shellcheck disable=SC2086  # the row's options are words
  if "$ganvas" train --steps "$steps" --seed "$seed" --threads 1 --out "$dir" $2 >"$dir.log" 2>&1; then
    "$ganvas" eval --checkpoint "$dir/checkpoint.safetensors" --json >"$dir.json"
  else
    echo '{"diverged": true}' >"$dir.json"
  fi
}
for i in "${!ROWS[@]}"; do
  run_row "$i" "${ROWS[$i]#*|}" &
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n; done
done
wait

echo "| remedy (ganvas train options) | FD | modes | KL to uniform | confident |"
echo "|---|---:|---:|---:|---:|"
for i in "${!ROWS[@]}"; do
  label="${ROWS[$i]%%|*}" options="${ROWS[$i]#*|}"
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const [label, options] = process.argv.slice(2);
    const cells = r.diverged ? ["diverged", "", "", ""]
      : [r.fd.toFixed(1), r.modes + "/10", r.kl_uniform.toFixed(3), r.confident.toFixed(3)];
    console.log(`| ${label} (\`${options}\`) | ${cells.join(" | ")} |`);
  ' "$out/$i.json" "$label" "$options"
done
