#!/usr/bin/env bash
# Issue 33: the neural decoder's 4/6 crossing on the toric code with depolarising noise, beside mwpm and bpm on the
# same shots (the shipped toric-4 N2 d32 and toric-6 N4 d32 models, found by `neural`). 50,000 shots a point.
set -euo pipefail
cd "$(dirname "$0")"
../../.build/release/eccbench qec threshold --family toric --sizes 4,6 --noise depolarizing --p 0.10:0.19:0.01 \
  --decoders neural,mwpm,bpm --min-shots 50000 --max-shots 50000 --min-failures 0 --threads 2 \
  --json threshold-4-6.json --plot threshold-4-6.svg | tee threshold-4-6.txt
