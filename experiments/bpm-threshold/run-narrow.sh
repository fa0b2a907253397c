#!/bin/sh
# Session 10 (issue 31): belief-matching's 4/6 and 6/8 crossings on the depolarising toric code with 8× the shots of
# run.sh (320,000 a point) on the four p around them, to narrow the 95% intervals.
set -e
cd "$(dirname "$0")"
"${ECCBENCH:-eccbench}" qec threshold --family toric --sizes 4,6,8 --noise depolarizing \
  --p 0.16:0.19:0.01 --decoders bpm,mwpm --min-frames 320000 --max-frames 320000 --min-errors 1 --seed 3 \
  --threads "${THREADS:-1}" --json threshold-narrow.json --csv threshold-narrow.csv | tee threshold-narrow.log
