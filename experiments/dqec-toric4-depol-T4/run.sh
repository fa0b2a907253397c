#!/usr/bin/env bash
# The neural quantum decoder for toric-4, depolarising noise with faulty measurements, T = 4 rounds, q = p (issue 15),
# warm-started from the T = 2 model (same sizes: the rounds share the weights). Resumable: rerun to continue.
set -euo pipefail
cd "$(dirname "$0")"
bin=../../.build/release/eccbench
out=toric4-depol-T4-N2-d32.safetensors
if [ -f "$out" ]; then
  $bin qec train --code toric-4 --noise depolarizing --rounds 4 --out "$out" --resume --minutes "${MINUTES:-62}" >> train-N2-d32.log
else
  $bin qec train --code toric-4 --noise depolarizing --rounds 4 --train-p 0.02:0.04:0.0025 --layers 2 --dim 32 --heads 8 \
    --epochs 60 --steps-per-epoch 1000 --batch 128 --lr 5e-4 --min-lr 1e-5 --seed 13 \
    --validation-p 0.02,0.03,0.04 --validation-shots 4096 --threads 2 \
    --init-from ../dqec-toric4-depol-T2/toric4-depol-T2-N2-d32.safetensors \
    --out "$out" --minutes "${MINUTES:-62}" > train-N2-d32.log
fi
