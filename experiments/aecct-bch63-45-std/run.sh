#!/usr/bin/env bash
# AECCT on the standard-form H of BCH-63-45 (issue 32: an AECCT on the same H as the default ECCT, BCH-63-45-STD), with
# a QAT phase longer than issue 13's: phase 1 (fp32, HPSA + SPE), phase 2 (QAT, token scales), freeze.
# Resumable: rerun to continue an unfinished phase (its checkpoint holds the settings). The QAT phase is 40 epochs since
# session 11 (the model shipped first had QAT_EPOCHS=16 QAT_DECAY=5000: std-p2.csv, p2.log).
set -euo pipefail
cd "$(dirname "$0")"
B=${ECCBENCH:-../../.build/release/eccbench}
P1="--arch aecct --layers 2 --dim 32 --lr 1e-3 --min-lr 1e-5 --optimizer adamw --weight-decay 0.01 --schedule wsd --clip 1 --reject-zero-syndrome --validation-words 5000 --seed 1"
P2="--lr 2e-4 --min-lr 1e-6 --optimizer adamw --weight-decay 0.01 --schedule wsd --clip 1 --reject-zero-syndrome --validation-words 5000 --seed 2"
run() { local out=$1 curve=$2; shift 2
        if [ -f "$out.done" ]; then return; fi
        if [ -f "$out" ]; then $B train --code BCH-63-45 --standardize --out "$out" --curve "$curve" --resume
        else $B train --code BCH-63-45 --standardize --out "$out" --curve "$curve" "$@"; fi
        echo ok > "$out.done"; }
run std-p1.safetensors std-p1.csv $P1 --epochs 40 --steps-per-epoch 1000 --warmup 500 --decay 8000
run std-p2.safetensors std-p2.csv --qat-from std-p1.safetensors $P2 --epochs ${QAT_EPOCHS:-40} --steps-per-epoch 1000 --warmup 200 --decay ${QAT_DECAY:-12000}
$B quantize std-p2.safetensors --out BCH-63-45-STD_AECCT_N2_d32.safetensors
