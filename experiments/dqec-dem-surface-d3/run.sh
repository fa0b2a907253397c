#!/usr/bin/env bash
# The neural quantum decoder on Stim's surface_code:rotated_memory_z, d = 3, 3 rounds, uniform circuit noise p = 0.005
# (issue 30). The DEM is Tests/TestSupport/Resources/dem/surface-d3-r3.dem (make_fixtures.py there writes it with
# Stim). Resumable: rerun to continue (the shipped model: 40 epochs, then resumed to EPOCHS=70);
# ../ecct-ccsds128-64/ship.py IN OUT strips Adam's moments for Sources/QECC/Models.
set -euo pipefail
cd "$(dirname "$0")"
bin=../../.build/release/eccbench
dem=../../Tests/TestSupport/Resources/dem/surface-d3-r3.dem
out=${OUT:-run.safetensors}
if [ -f "$out" ]; then
  $bin qec train --dem "$dem" --out "$out" --resume --epochs "${EPOCHS:-70}" --minutes "${MINUTES:-100}"
else
  $bin qec train --dem "$dem" --layers 2 --dim 32 --heads 8 --epochs 40 --steps-per-epoch 500 \
    --validation-shots 10000 --out "$out" --minutes "${MINUTES:-100}"
fi
