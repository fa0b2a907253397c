#!/usr/bin/env bash
# Session 9: a wider transformer (N = 2, d = 64) for the d = 3 circuit, its noise estimator (the 1.49 M parameters whose
# shapes do not depend on d) warm-started from the then-shipped N2 d32 model; 30 epochs × 500 steps × 128, the recipe's
# defaults otherwise (Adam 5e-4 → 1e-6 cosine), then the cosine stretched to 60 epochs (EPOCHS=60). Resumable: rerun to
# continue. Shipped since session 11 as dem-surface-d3-r3_circuit_T1_N2_d64 (see Models/README.md).
set -euo pipefail
cd "$(dirname "$0")"
bin=../../.build/release/eccbench
dem=../../Tests/TestSupport/Resources/dem/surface-d3-r3.dem
out=${OUT:-d64.safetensors}
if [ -f "$out" ]; then
  # session 10: EPOCHS=60 stretched the cosine to 60 epochs from the 30-epoch checkpoint (train-d64-ext.log)
  $bin qec train --dem "$dem" --out "$out" --resume ${EPOCHS:+--epochs "$EPOCHS"} --minutes "${MINUTES:-170}"
else
  $bin qec train --dem "$dem" --layers 2 --dim 64 --heads 8 --epochs 30 --steps-per-epoch 500 \
    --validation-shots 20000 --warm-start dem-surface-d3-r3_circuit_T1_N2_d32.safetensors \
    --out "$out" --curve curve-d64.csv --minutes "${MINUTES:-170}"
fi
$bin qec --dem "$dem" --decoders mwpm,neural:"$out",neural,bposd,bpm --min-shots 100000 --max-shots 100000 \
  --min-errors 1 --threads 2 | tee evaluation-d64-60.txt
# the shipped file: the checkpoint without Adam's moments
python3 ../ecct-ccsds128-64/ship.py "$out" ../../Sources/QECC/Models/dem-surface-d3-r3_circuit_T1_N2_d64.safetensors
