#!/usr/bin/env bash
# The shipped toric-6 depolarising model (issue 33; README.md, Sources/QECC/Models/README.md): N = 4, d = 32, 8 heads,
# the recipe of run.sh (the toric-4 model's) with four layers. Sessions 9–10 trained 60 epochs × 1,000 steps × 128
# (train-N4-d32.log; level with mwpm on 100,000 shots: evaluation.txt); sessions 11–12 resumed it with the cosine
# stretched to 120 epochs (`--resume --epochs 120` recomputes the schedule for the new length; train-N4-d32-ext.log),
# which took it below mwpm at every p (evaluation-120.txt). Resumable at every stage: rerun to continue (the checkpoint
# with Adam's moments stays out of git); then the shipped file and the 100,000-shot evaluation.
set -euo pipefail
cd "$(dirname "$0")"
bin=../../.build/release/eccbench
out=${OUT:-toric6-depol-N4-d32.safetensors}
if [ ! -f "$out" ]; then
  $bin qec train --code toric-6 --noise depolarizing --train-p 0.05:0.2:0.01875 --layers 4 --dim 32 --heads 8 \
    --epochs 60 --steps-per-epoch 1000 --batch 128 --lr 1e-3 --min-lr 1e-5 --seed 1 \
    --validation-p 0.08,0.12,0.16 --validation-shots 4096 --out "$out" --minutes "${MINUTES:-170}"
fi
$bin qec train --code toric-6 --noise depolarizing --out "$out" --resume --epochs 120 --minutes "${MINUTES:-170}"
python3 ../ecct-ccsds128-64/ship.py "$out" ../../Sources/QECC/Models/toric-6_depolarizing_T1_N4_d32.safetensors
$bin qec --code toric-6 --noise depolarizing --p 0.05:0.2:0.01 --decoders neural,mwpm,uf,bpm \
  --min-shots 100000 --max-shots 100000 --min-failures 0 --threads 2 --json evaluation-120.json \
  --plot evaluation-120.svg | tee evaluation-120.txt
