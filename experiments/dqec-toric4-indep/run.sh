#!/usr/bin/env bash
# The neural quantum decoder for toric-4, independent noise (issue 15). Resumable: rerun to continue.
set -euo pipefail
cd "$(dirname "$0")"
bin=../../.build/release/eccbench
out=toric4-indep-N2-d32.safetensors
if [ -f "$out" ]; then
  $bin qec train --code toric-4 --noise independent --out "$out" --resume --minutes "${MINUTES:-45}"
else
  $bin qec train --code toric-4 --noise independent --train-p 0.01:0.2:0.02375 --layers 2 --dim 32 --heads 8 \
    --epochs 40 --steps-per-epoch 1000 --batch 128 --lr 1e-3 --min-lr 1e-5 --seed 1 \
    --validation-p 0.05,0.1,0.15 --validation-shots 4096 --out "$out" --minutes "${MINUTES:-45}"
fi

# Continuation (a second run initialised from the first's weights, lower learning rate, new batches):
# ../../.build/release/eccbench qec train --code toric-4 --noise independent --train-p 0.01:0.2:0.02375 --layers 2 --dim 32 \
#   --heads 8 --epochs 30 --steps-per-epoch 1000 --batch 128 --lr 3e-4 --min-lr 1e-6 --seed 2 \
#   --validation-p 0.05,0.1,0.15 --validation-shots 4096 --init-from toric4-indep-N2-d32.safetensors \
#   --out toric4-indep-N2-d32-cont.safetensors --minutes 45

# The larger model (N = 4, d = 64), a run of its own:
# ../../.build/release/eccbench qec train --code toric-4 --noise independent --train-p 0.01:0.2:0.02375 --layers 4 --dim 64 \
#   --heads 8 --epochs 22 --steps-per-epoch 1000 --batch 128 --lr 1e-3 --min-lr 1e-5 --seed 3 \
#   --validation-p 0.05,0.1,0.15 --validation-shots 4096 --out toric4-indep-N4-d64.safetensors --minutes 32
