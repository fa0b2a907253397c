#!/usr/bin/env bash
# The neural quantum decoder for toric-6, depolarising noise (issue 33), N2 d32 as the shipped toric-4 model, from a
# fresh initialisation (the noise estimator's and the embeddings' sizes depend on L, so no warm start from toric-4).
# Resumable: rerun to continue; ../ecct-ccsds128-64/ship.py IN OUT strips Adam's moments for Sources/QECC/Models.
set -euo pipefail
cd "$(dirname "$0")"
bin=../../.build/release/eccbench
out=toric6-depol-N2-d32.safetensors
if [ -f "$out" ]; then
  $bin qec train --code toric-6 --noise depolarizing --out "$out" --resume --minutes "${MINUTES:-90}"
else
  $bin qec train --code toric-6 --noise depolarizing --train-p 0.05:0.2:0.01875 --layers 2 --dim 32 --heads 8 \
    --epochs 60 --steps-per-epoch 1000 --batch 128 --lr 1e-3 --min-lr 1e-5 --seed 1 \
    --validation-p 0.08,0.12,0.16 --validation-shots 4096 --out "$out" --minutes "${MINUTES:-90}"
fi
