#!/usr/bin/env bash
# toric-8, depolarising noise, one round (issue 33), trained in cycles that each fit a session: a session's machine does
# not keep files outside git, so a checkpoint with Adam's moments cannot carry a 7-hour run over sessions (session 15's
# 15 epochs of run.sh were lost that way). Each cycle is a whole run with its own cosine schedule that ends within the
# session and keeps its model here, Adam's moments stripped (toric8-cycleK.safetensors, committed); the next cycle
# starts from those weights (`--init-from`, a fresh optimiser, a new seed so new shots). A cycle's model goes to
# Sources/QECC/Models (where `neural` finds it) only once it beats mwpm; until then `neural` has no toric-8 model.
#   CYCLE=1: warm start from the shipped toric-6 model's layers (`--warm-start`), Adam 1e-3 → 1e-5 over EPOCHS.
#   CYCLE=k>1: `--init-from` cycle k−1's model, Adam LR (default 5e-4) → 1e-5 over EPOCHS.
# The recipe otherwise that of the shipped toric-6 model (../dqec-toric6-depol/run-N4.sh: N = 4, d = 32, 8 heads, each
# sample's p from linspace(0.05, 0.2, 9), 1,000 steps × 128 an epoch, validation on 4,096 fixed shots at p = 0.08,
# 0.12, 0.16). Within a session the run resumes (`--resume`) from OUT if stopped by MINUTES. After shipping: the
# evaluation on SHOTS shots a point (default 20,000) with the cycle's file named.
set -euo pipefail
cd "$(dirname "$0")"
bin=${ECCBENCH:-../../.build/release/eccbench}
cycle=${CYCLE:?CYCLE=1, 2, ...}
epochs=${EPOCHS:-20}
out=${OUT:?OUT=a checkpoint path outside git, it holds the optimiser moments}
model=toric8-cycle$cycle.safetensors
log=train-cycle$cycle.log
if [ ! -f "$out" ]; then
  if [ "$cycle" = 1 ]; then
    start=(--warm-start ../../Sources/QECC/Models/toric-6_depolarizing_T1_N4_d32.safetensors --lr 1e-3)
  else
    start=(--init-from "toric8-cycle$((cycle - 1)).safetensors" --lr "${LR:-5e-4}")
  fi
  $bin qec train --code toric-8 --noise depolarizing --train-p 0.05:0.2:0.01875 --layers 4 --dim 32 --heads 8 \
    --epochs "$epochs" --steps-per-epoch 1000 --batch 128 "${start[@]}" --min-lr 1e-5 --seed "$cycle" \
    --validation-p 0.08,0.12,0.16 --validation-shots 4096 --out "$out" --minutes "${MINUTES:-170}" | tee "$log"
else
  $bin qec train --code toric-8 --noise depolarizing --out "$out" --resume --minutes "${MINUTES:-170}" | tee -a "$log"
fi
tail -3 "$log" | grep -q "^$epochs of $epochs epochs done" || exit 0  # stopped by --minutes: rerun to continue
python3 ../ecct-ccsds128-64/ship.py "$out" "$model"
$bin qec --code toric-8 --noise depolarizing --p 0.05:0.2:0.01 --decoders "neural=neural:$model,mwpm,uf,bpm" \
  --min-shots "${SHOTS:-20000}" --max-shots "${SHOTS:-20000}" --min-failures 0 --threads 2 \
  --json "evaluation-cycle$cycle.json" --plot "evaluation-cycle$cycle.svg" | tee "evaluation-cycle$cycle.txt"
