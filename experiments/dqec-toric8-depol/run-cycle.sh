#!/usr/bin/env bash
# toric-8, depolarising noise, one round (issue 33), trained in cycles that each fit a session: a session's machine does
# not keep files outside git, so a checkpoint with Adam's moments cannot carry a 7-hour run over sessions (session 15's
# 15 epochs of run.sh were lost that way). Each cycle is a whole run with its own cosine schedule that ends within the
# session and ships its model (Adam's moments stripped); the next cycle starts from the shipped weights (`--init-from`,
# a fresh optimiser, a new seed so new shots).
#   CYCLE=1: warm start from the shipped toric-6 model's layers (`--warm-start`), Adam 1e-3 → 1e-5 over EPOCHS.
#   CYCLE=k>1: `--init-from` the shipped toric-8 model, Adam LR (default 5e-4) → 1e-5 over EPOCHS.
# The recipe otherwise as run.sh (the shipped toric-6 model's: N = 4, d = 32, 8 heads, p from linspace(0.05, 0.2, 9),
# 1,000 steps × 128 an epoch). Within a session the run resumes (`--resume`) from OUT if stopped by MINUTES.
set -euo pipefail
cd "$(dirname "$0")"
bin=${ECCBENCH:-../../.build/release/eccbench}
cycle=${CYCLE:?CYCLE=1, 2, ...}
epochs=${EPOCHS:-30}
out=${OUT:-toric8-cycle$cycle.safetensors}
model=../../Sources/QECC/Models/toric-8_depolarizing_T1_N4_d32.safetensors
log=train-cycle$cycle.log
if [ ! -f "$out" ]; then
  if [ "$cycle" = 1 ]; then
    start=(--warm-start ../../Sources/QECC/Models/toric-6_depolarizing_T1_N4_d32.safetensors --lr 1e-3)
  else
    cp "$model" "$out.init"  # the shipped file is replaced at the end of this cycle
    start=(--init-from "$out.init" --lr "${LR:-5e-4}")
  fi
  $bin qec train --code toric-8 --noise depolarizing --train-p 0.05:0.2:0.01875 --layers 4 --dim 32 --heads 8 \
    --epochs "$epochs" --steps-per-epoch 1000 --batch 128 "${start[@]}" --min-lr 1e-5 --seed "$cycle" \
    --validation-p 0.08,0.12,0.16 --validation-shots 4096 --out "$out" --minutes "${MINUTES:-170}" | tee "$log"
else
  $bin qec train --code toric-8 --noise depolarizing --out "$out" --resume --minutes "${MINUTES:-170}" | tee -a "$log"
fi
tail -3 "$log" | grep -q "^$epochs of $epochs epochs done" || exit 0  # stopped by --minutes: rerun to continue
python3 ../ecct-ccsds128-64/ship.py "$out" "$model"
