#!/bin/sh
# Issue 31: bpm against mwpm below the threshold on the depolarising toric-6 and toric-8 (same shots for both).
set -e
cd "$(dirname "$0")"
for L in 6 8; do
  "${ECCBENCH:-eccbench}" qec --code toric-$L --noise depolarizing --p 0.02,0.05,0.08,0.11 --decoders mwpm,bpm \
    --min-frames 100000 --max-frames 100000 --min-errors 1 --seed 2 --csv low-p-toric-$L.csv
done | tee low-p.log
