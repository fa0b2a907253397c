#!/usr/bin/env bash
# AdaCons against plain averaging (issue 28): ECCT N2 d32 on BCH-63-45, 8 slices, the same samples (20 epochs × 250
# steps × 128), 3 seeds each, lr 1e-3 (the shipped model's); validation −ln BER at 4/5/6 dB and the loss per epoch in curve-<aggregation>-<seed>.csv.
# Resumable: each run continues with --resume; rerun the script. Ranks or threads do not change the numbers (8 slices).
set -euo pipefail
cd "$(dirname "$0")"
bin=${BIN:-../../.build/release/eccbench}
for seed in 1 2 3; do
  for aggregation in mean adacons; do
    out=run-$aggregation-$seed.safetensors
    args=(train --code BCH-63-45 --layers 2 --dim 32 --epochs 20 --steps-per-epoch 250 --batch-size 128 --lr 1e-3 --slices 8
      --aggregation "$aggregation" --seed "$seed" --validation-words 10000 --curve "curve-$aggregation-$seed.csv"
      --out "$out" --minutes "${MINUTES:-60}")
    if [ -f "$out" ]; then
      $bin "${args[@]}" --resume | tee -a "train-$aggregation-$seed.log"
    else
      $bin "${args[@]}" | tee "train-$aggregation-$seed.log"
    fi
  done
done
