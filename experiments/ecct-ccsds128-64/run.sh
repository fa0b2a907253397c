#!/usr/bin/env bash
# The ECCT for CCSDS-128-64 (issue 29: the code where OSD's orders get expensive), N2 d32, the shipped BCH model's
# recipe: 60 epochs × 1000 steps × 128, lr 1e-3 cosine, validation 10,000 words at 4/5/6 dB after every epoch, 2 slices.
# Resumable: rerun to continue (CKPT names the checkpoint, kept outside the repository while it trains).
set -euo pipefail
cd "$(dirname "$0")"
bin=${BIN:-../../.build/release/eccbench}
out=${CKPT:-ccsds-N2-d32.ckpt.safetensors}
args=(train --code CCSDS-128-64 --layers 2 --dim 32 --epochs 60 --lr 1e-3 --validation-words 10000 --seed 1 --slices 2
  --curve curve.csv --out "$out" --minutes "${MINUTES:-60}")
if [ -f "$out" ]; then
  $bin "${args[@]}" --resume | tee -a train.log
else
  $bin "${args[@]}" | tee train.log
fi
