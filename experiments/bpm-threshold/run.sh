#!/bin/sh
# Issue 31: belief-matching's and matching's thresholds on the depolarising toric code (crossings of 4/6/8).
set -e
cd "$(dirname "$0")"
"${ECCBENCH:-eccbench}" qec threshold --family toric --sizes 4,6,8 --noise depolarizing \
  --p 0.14:0.20:0.01 --decoders mwpm,bpm --min-frames 40000 --max-frames 40000 --min-errors 1 --seed 1 \
  --json threshold.json --csv threshold.csv --plot threshold.svg | tee threshold.log
