#!/usr/bin/env bash
# The neural quantum decoder for toric-4, independent noise with faulty measurements, T = 4 rounds, q = p (issue 15).
# Resumable: rerun to continue.
set -euo pipefail
cd "$(dirname "$0")"
bin=../../.build/release/eccbench
out=toric4-indep-T4-N2-d32.safetensors
if [ -f "$out" ]; then
  $bin qec train --code toric-4 --noise independent --rounds 4 --out "$out" --resume --minutes "${MINUTES:-45}"
else
  $bin qec train --code toric-4 --noise independent --rounds 4 --train-p 0.02:0.04:0.0025 --layers 2 --dim 32 --heads 8 \
    --epochs 24 --steps-per-epoch 1000 --batch 128 --lr 1e-3 --min-lr 1e-5 --seed 1 \
    --validation-p 0.02,0.03,0.04 --validation-shots 4096 --out "$out" --minutes "${MINUTES:-45}"
fi

# The larger model (N = 4, d = 64), a run of its own (in progress; resume with the same command and --resume):
# ../../.build/release/eccbench qec train --code toric-4 --noise independent --rounds 4 --train-p 0.02:0.04:0.0025 \
#   --layers 4 --dim 64 --heads 8 --epochs 40 --steps-per-epoch 500 --batch 128 --lr 1e-3 --min-lr 1e-5 --seed 3 \
#   --validation-p 0.02,0.03,0.04 --validation-shots 2048 --out toric4-indep-T4-N4-d64.safetensors --minutes 25
