#!/usr/bin/env bash
# Session 9–10's toric-6 depolarising run (issue 33; not shipped, README.md): N = 4, d = 32, 8 heads, the recipe of
# run.sh (the shipped toric-4 model's) with four layers, 60 epochs × 1,000 steps × 128. Resumable: rerun to continue
# (the checkpoint with Adam's moments stays out of git); then the 100,000-shot evaluation of README.md.
set -euo pipefail
cd "$(dirname "$0")"
bin=../../.build/release/eccbench
out=${OUT:-toric6-depol-N4-d32.safetensors}
if [ -f "$out" ]; then
  $bin qec train --code toric-6 --noise depolarizing --out "$out" --resume --minutes "${MINUTES:-170}"
else
  $bin qec train --code toric-6 --noise depolarizing --train-p 0.05:0.2:0.01875 --layers 4 --dim 32 --heads 8 \
    --epochs 60 --steps-per-epoch 1000 --batch 128 --lr 1e-3 --min-lr 1e-5 --seed 1 \
    --validation-p 0.08,0.12,0.16 --validation-shots 4096 --out "$out" --minutes "${MINUTES:-170}"
fi
$bin qec --code toric-6 --noise depolarizing --p 0.05:0.2:0.01 --decoders neural=neural:"$out",mwpm,uf,bpm \
  --min-shots 100000 --max-shots 100000 --min-failures 0 --threads 2 --json evaluation.json --plot evaluation.svg \
  | tee evaluation.txt
