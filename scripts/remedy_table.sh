#!/usr/bin/env bash
# remedy_table.sh - the README's table of each remedy's effect at 3,120 steps against the seed:
# the same seed (1), the same data (the built-in 10,000 digits), `ganvas eval` of 2,000 samples.
#
#   scripts/remedy_table.sh [STEPS] [SEED]      (defaults 3120 and 1)
#   ONLY=REGEX scripts/remedy_table.sh          trains only the rows whose label matches (grep -E)
#
# Each row is one line of ROWS below: "label|ganvas train options" (--preset P and --set K=V,
# several allowed). A new remedy is one more line. One training at a time, on one thread (the
# bits do not depend on it). Each row's run goes to runs/remedy_table/<options as a name>/ with
# the options it was trained with; a row whose run is there with the same steps, seed and options
# is not trained again. Each run also writes eval.csv (the same measures every 520 steps; it leaves
# the run's bits unchanged). The table (Markdown) of every row that has a run goes to stdout.
# Needs the native build (build/native/cli/ganvas).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
steps="${1:-3120}"
seed="${2:-1}"
only="${ONLY:-.}"
ganvas=build/native/cli/ganvas
[[ -x $ganvas ]] || { echo "remedy_table: build first (cmake --build --preset native)" >&2; exit 1; }

ROWS=(
  "seed (bce, non-saturating)|--preset seed"
  "EMA of G's weights (ema_decay 0.999)|--set ema_decay=0.999"
  "learning rates 5x (adam_g.lr, adam_d.lr 1e-3)|--set adam_g.lr=0.001 --set adam_d.lr=0.001"
  "preset stable|--preset stable"
  "preset collapse|--preset collapse"
  "preset collapse, --remedy-at-alert|--preset collapse --remedy-at-alert"
  "preset unstable|--preset unstable"
  "objective lsgan|--set objective=lsgan"
  "objective hinge|--set objective=hinge"
  "TTUR (adam_d.lr 4e-4, adam_g.lr 1e-4)|--set adam_d.lr=0.0004 --set adam_g.lr=0.0001"
  "one-sided label smoothing (real_label 0.9)|--set real_label=0.9"
  "instance noise (sigma 0.1, annealed over 3,120 steps)|--set instance_noise=0.1 --set instance_noise_steps=3120"
  "2 D steps per G step (d_steps 2)|--set d_steps=2"
  "objective minimax (saturating)|--set objective=minimax"
  "R1 penalty (r1_gamma 10)|--set r1_gamma=10"
  "objective wgan-gp (gp_lambda 10)|--set objective=wgan-gp"
  "spectral normalisation of D|--set spectral_norm=true"
  "minibatch stddev in D|--set minibatch_stddev=true"
)

out=runs/remedy_table
mkdir -p "$out"
dir_of() { echo "$out/$(echo "$1" | sed -e 's/--set //g; s/--//g; s/[^A-Za-z0-9.=_-]/_/g')"; }
for row in "${ROWS[@]}"; do
  label="${row%%|*}" options="${row#*|}" dir="$(dir_of "${row#*|}")"
  echo "$label" | grep -Eq -- "$only" || continue
  if [[ -f $dir/done && "$(cat "$dir/done")" == "$steps $seed $options" ]]; then continue; fi
  rm -rf "$dir"
  echo "remedy_table: $label ($options)" >&2
  # shellcheck disable=SC2086  # the row's options are words
  if "$ganvas" train --steps "$steps" --seed "$seed" --threads 1 --eval-every 520 --out "$dir" $options >"$dir.log" 2>&1; then
    "$ganvas" eval --checkpoint "$dir/checkpoint.safetensors" --json >"$dir/eval.json"
  else
    echo '{"diverged": true}' >"$dir/eval.json"
  fi
  echo "$steps $seed $options" >"$dir/done"
done

echo "| remedy | ganvas train options | FD | modes | KL to uniform | confident |"
echo "|---|---|---:|---:|---:|---:|"
for row in "${ROWS[@]}"; do
  label="${row%%|*}" options="${row#*|}" dir="$(dir_of "${row#*|}")"
  [[ -f $dir/done && "$(cat "$dir/done")" == "$steps $seed $options" ]] || continue
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const [label, options] = process.argv.slice(2);
    const cells = r.diverged ? ["diverged", "", "", ""]
      : [r.fd.toFixed(1), r.modes + "/10", r.kl_uniform.toFixed(3), r.confident.toFixed(3)];
    console.log(`| ${label} | \`${options}\` | ${cells.join(" | ")} |`);
  ' "$dir/eval.json" "$label" "$options"
done
