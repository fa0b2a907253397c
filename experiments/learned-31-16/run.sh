#!/usr/bin/env bash
# The learned (31, 16) code and its DC-ECCT decoder (issue 16), two runs side by side (one thread each):
#   random/  Ω from ±0.01 with random signs (the paper's start)
#   bch/     Ω from BCH-31-16 brought to [I | P]
# Resumable: rerun to continue (each run checkpoints after every epoch).
set -euo pipefail
cd "$(dirname "$0")"
bin=../../.build/release/eccbench
common=(--n 31 --k 16 --layers 2 --dim 32 --heads 8 --epochs 50 --steps-per-epoch 1000 --batch 128 --lr 5e-4 --min-lr 1e-6
        --freeze-code-after 40000 --validation-words 20000 --threads 1 --minutes "${MINUTES:-50}")
for init in random bch; do
  mkdir -p $init
  code=random; [ $init = bch ] && code=BCH-31-16
  if [ -f $init/decoder.safetensors ]; then
    $bin learn-code --resume --out $init/code.alist --decoder-out $init/decoder.safetensors --threads 1 \
      --minutes "${MINUTES:-50}" >> $init/train.log 2>&1 &
  else
    $bin learn-code "${common[@]}" --init $code --seed 1 --out $init/code.alist --decoder-out $init/decoder.safetensors \
      > $init/train.log 2>&1 &
  fi
done
wait

# Control (a separate run): the DC-ECCT on the fixed BCH-31-16 (Ω from BCH, frozen from step 0), same recipe, 2 threads:
# ../../.build/release/eccbench learn-code --n 31 --k 16 --layers 2 --dim 32 --heads 8 --epochs 50 --steps-per-epoch 1000 \
#   --batch 128 --lr 5e-4 --min-lr 1e-6 --freeze-code-after 0 --validation-words 20000 --init BCH-31-16 --seed 1 \
#   --out bch-frozen/code.alist --decoder-out bch-frozen/decoder.safetensors --minutes 30      (--resume continues)
