#!/usr/bin/env bash
# The LER tables and threshold estimates of issue 14 (mwpm and uf; bposd at code capacity). Run from the repository
# root after `swift build -c release`; writes experiments/qecc/*.{txt,json,csv,svg}.
set -euo pipefail
out=experiments/qecc
bin=.build/release/eccbench
stop="--min-failures 500 --min-shots 20000 --max-shots 200000 --seed 1"
$bin qec threshold --family toric --sizes 4,6,8,10 --noise independent --p 0.02,0.05,0.08,0.1,0.12 \
  --decoders mwpm,uf $stop --json $out/toric-independent.json --csv $out/toric-independent.csv \
  --plot $out/toric-independent.svg > $out/toric-independent.txt
$bin qec threshold --family toric --sizes 4,6,8,10 --noise depolarizing --p 0.05,0.1,0.15,0.18 \
  --decoders mwpm,uf $stop --json $out/toric-depolarizing.json --csv $out/toric-depolarizing.csv \
  --plot $out/toric-depolarizing.svg > $out/toric-depolarizing.txt
$bin qec threshold --family toric --sizes 4,6,8,10 --noise independent --rounds L --p 0.01,0.02,0.03,0.04 \
  --decoders mwpm,uf $stop --json $out/toric-phenomenological.json --csv $out/toric-phenomenological.csv \
  --plot $out/toric-phenomenological.svg > $out/toric-phenomenological.txt
$bin qec threshold --family surface --sizes 3,5,7 --noise depolarizing --p 0.02,0.05,0.1,0.15 \
  --decoders mwpm,uf,bposd $stop --json $out/surface-depolarizing.json --csv $out/surface-depolarizing.csv \
  --plot $out/surface-depolarizing.svg > $out/surface-depolarizing.txt
$bin qec threshold --family surface --sizes 3,5,7 --noise independent --p 0.02,0.05,0.08,0.1 \
  --decoders mwpm,uf $stop --json $out/surface-independent.json --csv $out/surface-independent.csv \
  --plot $out/surface-independent.svg > $out/surface-independent.txt
