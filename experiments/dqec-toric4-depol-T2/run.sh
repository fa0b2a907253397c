#!/usr/bin/env bash
# The neural quantum decoder for toric-4, depolarising noise with faulty measurements, T = 2 rounds, q = p (issue 15).
# Two runs side by side, one thread each (2 cores). Resumable: rerun to continue (--resume).
set -euo pipefail
cd "$(dirname "$0")"
bin=../../.build/release/eccbench
common=(--code toric-4 --noise depolarizing --rounds 2 --threads 1)

# run CHECKPOINT LOG SETTINGS...: start the run with these settings, or resume it when its checkpoint exists.
run() {
  local out=$1 log=$2; shift 2
  if [ -f "$out" ]; then
    $bin qec train "${common[@]}" --out "$out" --resume --minutes "${MINUTES:-88}" >> "$log" &
  else
    $bin qec train "${common[@]}" --train-p 0.02:0.04:0.0025 --heads 8 --batch 128 --min-lr 1e-5 \
      --validation-p 0.02,0.03,0.04 --validation-shots 4096 "$@" --out "$out" --minutes "${MINUTES:-88}" > "$log" &
  fi
}

# N = 2, d = 32, warm-started from the shipped one-round depolarising model (same sizes; the rounds share its weights).
run toric4-depol-T2-N2-d32.safetensors train-N2-d32.log --layers 2 --dim 32 --epochs 60 --steps-per-epoch 1000 \
  --lr 5e-4 --seed 11 --init-from ../../Sources/QECC/Models/toric-4_depolarizing_T1_N2_d32.safetensors
# N = 4, d = 64 from a fresh initialisation (no one-round model of this size ships for depolarising noise).
run toric4-depol-T2-N4-d64.safetensors train-N4-d64.log --layers 4 --dim 64 --epochs 25 --steps-per-epoch 500 \
  --lr 1e-3 --seed 12
wait
