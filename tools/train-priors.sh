#!/usr/bin/env bash
# Recipe of the two shipped priors (issue 5): data sets of 10,000 training + 500 held-out
# fields from libs/fields, then `ldinv train` for gaussian-64 and bimaterial-64 side by side,
# one single-threaded wasm process per core, each under 90 minutes on a 2-core machine.
# Rerunning continues where it stopped (gen-data and train --resume are both resumable).
# The trained priors are copied into libs/prior/assets/ and the README's quality table.
set -euo pipefail
cd "$(dirname "$0")/.."
ldinv() { node apps/orchestrator/bin/ldinv.js "$@"; }

ldinv gen-data --field gaussian --grid 64 --count 10500 --seed 1 --out data/gaussian-64
ldinv gen-data --field bimaterial --grid 64 --count 10500 --seed 2 --out data/bimaterial-64

mkdir -p out/priors
for name in gaussian-64 bimaterial-64; do
  ldinv train --data "data/$name" --out "out/priors/$name" --name "$name" --stage all \
    --holdout 500 --backend wasm --resume > "out/priors/$name.log" 2>&1 &
done
status=0
for job in $(jobs -p); do wait "$job" || status=1; done
if [ "$status" -ne 0 ]; then
  echo "train-priors: a training run failed; see out/priors/*.log (rerun this script to resume)" >&2
  exit 1
fi

for name in gaussian-64 bimaterial-64; do
  mkdir -p "libs/prior/assets/$name"
  cp "out/priors/$name"/{manifest.json,model.json,weights.bin,train.ndjson} "libs/prior/assets/$name/"
done
npx tsx tools/prior-quality-table.ts
