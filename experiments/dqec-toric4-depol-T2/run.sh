#!/usr/bin/env bash
# The neural quantum decoder for toric-4, depolarising noise with faulty measurements, T = 2 rounds, q = p (issue 15).
# Two runs side by side, one thread each (2 cores). Resumable: rerun to continue (--resume).
set -euo pipefail
cd "$(dirname "$0")"
bin=../../.build/release/eccbench
common=(--code toric-4 --noise depolarizing --rounds 2)
# N = 2, d = 32, warm-started from the shipped one-round depolarising model (same sizes; the rounds share its weights).
a=toric4-depol-T2-N2-d32.safetensors
if [ -f "$a" ]; then
  $bin qec train "${common[@]}" --threads 1 --out "$a" --resume --minutes "${MINUTES:-88}" >> train-N2-d32.log &
else
  $bin qec train "${common[@]}" --train-p 0.02:0.04:0.0025 --layers 2 --dim 32 --heads 8 \
    --epochs 60 --steps-per-epoch 1000 --batch 128 --lr 5e-4 --min-lr 1e-5 --seed 11 \
    --validation-p 0.02,0.03,0.04 --validation-shots 4096 --threads 1 \
    --init-from ../../Sources/QECC/Models/toric-4_depolarizing_T1_N2_d32.safetensors \
    --out "$a" --minutes "${MINUTES:-88}" > train-N2-d32.log &
fi
# N = 4, d = 64 from a fresh initialisation (no one-round model of this size ships for depolarising noise).
b=toric4-depol-T2-N4-d64.safetensors
if [ -f "$b" ]; then
  $bin qec train "${common[@]}" --threads 1 --out "$b" --resume --minutes "${MINUTES:-88}" >> train-N4-d64.log &
else
  $bin qec train "${common[@]}" --train-p 0.02:0.04:0.0025 --layers 4 --dim 64 --heads 8 \
    --epochs 25 --steps-per-epoch 500 --batch 128 --lr 1e-3 --min-lr 1e-5 --seed 12 \
    --validation-p 0.02,0.03,0.04 --validation-shots 4096 --threads 1 --out "$b" --minutes "${MINUTES:-88}" > train-N4-d64.log &
fi
wait
