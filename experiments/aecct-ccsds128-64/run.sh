#!/usr/bin/env bash
# AECCT on CCSDS-128-64 (issue 32: an AECCT on the same H as the default ECCT of each code that has one; the default
# ECCT `CCSDS-128-64_N2_d32` had 60 epochs, 7.68 M words), with the recipe of ../aecct-bch63-45-std/run.sh at the
# ECCT's budget: phase 1 (fp32, HPSA + SPE) 60 epochs, phase 2 (QAT, token scales) 24 epochs, freeze,
# then the papers' protocol beside the ECCT. Resumable: rerun to continue an unfinished phase (its checkpoint holds the
# settings; MINUTES bounds each call). CKPT (default .) holds the checkpoints, kept out of git.
set -euo pipefail
cd "$(dirname "$0")"
B=${ECCBENCH:-../../.build/release/eccbench}
C=${CKPT:-.}
P1="--arch aecct --layers 2 --dim 32 --lr 1e-3 --min-lr 1e-5 --optimizer adamw --weight-decay 0.01 --schedule wsd --clip 1 --reject-zero-syndrome --validation-words 5000 --seed 1"
P2="--lr 2e-4 --min-lr 1e-6 --optimizer adamw --weight-decay 0.01 --schedule wsd --clip 1 --reject-zero-syndrome --validation-words 5000 --seed 2"
run() { local out=$1 curve=$2 log=$3 epochs=$4; shift 4
        if [ -f "$out.done" ]; then return; fi
        if [ -f "$out" ]; then $B train --code CCSDS-128-64 --out "$out" --curve "$curve" --resume --epochs "$epochs" --minutes "${MINUTES:-600}" | tee -a "$log"
        else $B train --code CCSDS-128-64 --out "$out" --curve "$curve" --threads "${THREADS:-2}" --minutes "${MINUTES:-600}" --epochs "$epochs" "$@" | tee "$log"; fi
        # a call stopped by --minutes leaves a checkpoint short of its last epoch: rerun to continue
        if tail -3 "$log" | grep -q "^finished after"; then echo ok > "$out.done"; fi
        [ -f "$out.done" ] || exit 0; }
run "$C/ccsds-p1.safetensors" ccsds-p1.csv train-p1.log 60 $P1 --steps-per-epoch 1000 --warmup 500 --decay 12000
# QAT: started for 40 epochs, shortened to 24 at epoch 5 (session 14: 16- and 40-epoch QATs ended level on BCH-63-45
# and POLAR-64-32; the WSD decay is the last 12,000 steps either way)
run "$C/ccsds-p2.safetensors" ccsds-p2.csv train-p2.log 24 --qat-from "$C/ccsds-p1.safetensors" $P2 --steps-per-epoch 1000 --warmup 200 --decay 12000
$B quantize "$C/ccsds-p2.safetensors" --out CCSDS-128-64_AECCT_N2_d32.safetensors
$B --code CCSDS-128-64 --decoders ecct,aecct:"$C/ccsds-p1.safetensors",aecct:CCSDS-128-64_AECCT_N2_d32.safetensors \
  --ebn0 4,5,6 --min-errors 500 --min-frames 100000 --threads 2 | tee eval.txt
