#!/usr/bin/env bash
# Session 9's distillation experiment (issue 32): the QAT phase of run.sh with the same settings and seed, its targets
# mixed with the phase-1 model's soft decisions (--distill-from std-p1.safetensors --distill-weight 0.8), one thread.
set -euo pipefail
cd "$(dirname "$0")"
B=${ECCBENCH:-../../.build/release/eccbench}
out=kd-p2.safetensors
if [ -f "$out" ]; then $B train --code BCH-63-45 --standardize --out "$out" --curve kd-p2.csv --resume
else
  $B train --code BCH-63-45 --standardize --out "$out" --curve kd-p2.csv --qat-from std-p1.safetensors \
    --distill-from std-p1.safetensors --distill-weight 0.8 --lr 2e-4 --min-lr 1e-6 --optimizer adamw \
    --weight-decay 0.01 --schedule wsd --clip 1 --reject-zero-syndrome --validation-words 5000 --seed 2 --epochs 16 \
    --steps-per-epoch 1000 --warmup 200 --decay 5000 --threads 1
fi
$B quantize "$out" --out kd-frozen.safetensors
$B --code BCH-63-45 --standardize --decoders aecct:kd-frozen.safetensors --ebn0 4,5,6 --min-errors 500 \
  --min-frames 100000 --threads 2 | tee eval-kd.txt
