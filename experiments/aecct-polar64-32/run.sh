#!/usr/bin/env bash
# AECCT on the benchmark POLAR-64-32 H (the POLAR_N64_K32 file's H, that of the shipped default ECCT; issue 32: an AECCT
# on the same H as the default ECCT of each code that has one), with the recipe of ../aecct-bch63-45-std/run.sh:
# phase 1 (fp32, HPSA + SPE), phase 2 (QAT, token scales), freeze. Resumable: rerun to continue an unfinished phase
# (its checkpoint holds the settings). THREADS (default 2) and the phase lengths can be set from the environment.
set -euo pipefail
cd "$(dirname "$0")"
B=${ECCBENCH:-../../.build/release/eccbench}
P1="--arch aecct --layers 2 --dim 32 --lr 1e-3 --min-lr 1e-5 --optimizer adamw --weight-decay 0.01 --schedule wsd --clip 1 --reject-zero-syndrome --validation-words 5000 --seed 1"
P2="--lr 2e-4 --min-lr 1e-6 --optimizer adamw --weight-decay 0.01 --schedule wsd --clip 1 --reject-zero-syndrome --validation-words 5000 --seed 2"
run() { local out=$1 curve=$2; shift 2
        if [ -f "$out.done" ]; then return; fi
        if [ -f "$out" ]; then $B train --code POLAR-64-32 --out "$out" --curve "$curve" --resume
        else $B train --code POLAR-64-32 --out "$out" --curve "$curve" --threads "${THREADS:-2}" "$@"; fi
        echo ok > "$out.done"; }
run polar-p1.safetensors polar-p1.csv $P1 --epochs ${P1_EPOCHS:-40} --steps-per-epoch 1000 --warmup 500 --decay ${P1_DECAY:-8000}
run polar-p2.safetensors polar-p2.csv --qat-from polar-p1.safetensors $P2 --epochs ${QAT_EPOCHS:-16} --steps-per-epoch 1000 --warmup 200 --decay ${QAT_DECAY:-5000}
$B quantize polar-p2.safetensors --out POLAR-64-32_AECCT_N2_d32.safetensors
# the papers' protocol beside the default ECCT and the phase-1 fp32 model
$B --code POLAR-64-32 --decoders ecct,aecct:polar-p1.safetensors,aecct:POLAR-64-32_AECCT_N2_d32.safetensors \
  --ebn0 4,5,6 --min-errors 500 --min-frames 100000 --threads 2 | tee eval.txt
