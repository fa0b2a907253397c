#!/usr/bin/env bash
# toric-8, depolarising noise, one round (issue 33: a toric-8 model for the 6/8 crossing): the recipe of the shipped
# toric-6 model (../dqec-toric6-depol/run-N4.sh: N = 4, d = 32, 8 heads, p from linspace(0.05, 0.2, 9), Adam 1e-3 →
# 1e-5 cosine, batch 128) for 120 epochs, the length that took toric-6 below mwpm. ~600 samples/s on the 2-core AMD EPYC
# machine (toric-6: ~1,300): about 7 hours in all, so it runs over several sessions — rerun to continue (MINUTES bounds
# each call; the checkpoint with Adam's moments, OUT, stays out of git). Then the shipped file and the 100,000-shot table.
# WARM (session 15: the shipped 180-epoch toric-6 model) copies the transformer layers of another size's model at the
# same N, d, heads (`--warm-start`; embeddings, noise estimator and output projection, sized by L, stay fresh).
set -euo pipefail
cd "$(dirname "$0")"
bin=${ECCBENCH:-../../.build/release/eccbench}
out=${OUT:-toric8-depol-N4-d32.safetensors}
if [ ! -f "$out" ]; then
  $bin qec train --code toric-8 --noise depolarizing --train-p 0.05:0.2:0.01875 --layers 4 --dim 32 --heads 8 \
    --epochs 120 --steps-per-epoch 1000 --batch 128 --lr 1e-3 --min-lr 1e-5 --seed 1 \
    --validation-p 0.08,0.12,0.16 --validation-shots 4096 ${WARM:+--warm-start "$WARM"} \
    --out "$out" --minutes "${MINUTES:-170}" | tee train.log
else
  $bin qec train --code toric-8 --noise depolarizing --out "$out" --resume --minutes "${MINUTES:-170}" | tee -a train.log
fi
tail -3 train.log | grep -q "^120 of 120 epochs done" || exit 0  # stopped by --minutes: rerun to continue
model=../../Sources/QECC/Models/toric-8_depolarizing_T1_N4_d32.safetensors
python3 ../ecct-ccsds128-64/ship.py "$out" "$model"
# the shipped file named: a binary copied elsewhere reads the models bundled at its build, not Sources/
$bin qec --code toric-8 --noise depolarizing --p 0.05:0.2:0.01 --decoders "neural=neural:$model,mwpm,uf,bpm" \
  --min-shots 100000 --max-shots 100000 --min-failures 0 --threads 2 --json evaluation.json \
  --plot evaluation.svg | tee evaluation.txt
