#!/usr/bin/env bash
# AECCT shipped models (issue 13): phase 1 (fp), phase 2 (QAT, token scales), freeze. Resumable: rerun this script.
set -euo pipefail
B=/tmp/trainbin/eccbench
LDPC=/work/main/Tests/TestSupport/Resources/LDPC_N49_K24.alist
P1="--arch aecct --layers 2 --dim 32 --lr 1e-3 --min-lr 1e-5 --optimizer adamw --weight-decay 0.01 --schedule wsd --clip 1 --reject-zero-syndrome --validation-words 5000 --seed 1"
P2="--lr 2e-4 --min-lr 1e-6 --optimizer adamw --weight-decay 0.01 --schedule wsd --clip 1 --reject-zero-syndrome --validation-words 5000 --seed 2"
# run OUT CODE CURVE OPTIONS...: a new run, or the resume of an unfinished one (a resume takes no training options)
run() { local out=$1 code=$2 curve=$3; shift 3
        if [ -f "$out.done" ]; then return; fi
        if [ -f "$out" ]; then $B train --code "$code" --out "$out" --curve "$curve" --resume
        else $B train --code "$code" --out "$out" --curve "$curve" "$@"; fi
        echo ok > "$out.done"; }
run bch-p1.safetensors BCH-63-45 bch-p1.csv $P1 --epochs 30 --steps-per-epoch 1000 --warmup 500 --decay 6000
run bch-p2.safetensors BCH-63-45 bch-p2.csv --qat-from bch-p1.safetensors $P2 --epochs 8 --steps-per-epoch 1000 --warmup 200 --decay 2500
$B quantize bch-p2.safetensors --out BCH-63-45_AECCT_N2_d32.safetensors
run ldpc-p1.safetensors $LDPC ldpc-p1.csv $P1 --epochs 10 --steps-per-epoch 1000 --warmup 500 --decay 3000
run ldpc-p2.safetensors $LDPC ldpc-p2.csv --qat-from ldpc-p1.safetensors $P2 --epochs 4 --steps-per-epoch 1000 --warmup 200 --decay 1500
$B quantize ldpc-p2.safetensors --out LDPC-49-24_AECCT_N2_d32.safetensors
echo ALL DONE
