#!/usr/bin/env bash
# Papers' protocol: ≥ 500 frame errors and ≥ 100,000 words per point, the same frames for every decoder (seed 1).
set -euo pipefail
B=/work/main/.build/release/eccbench
M=/work/main/Sources/ECCT/Models
cd /work/aecct-runs
$B --code BCH-63-45 --decoders bp5,bp50,osd2,ecct,aecct,aecct:bch-p1.safetensors,aecct:bch-p2.safetensors,aecct:$M/BCH-63-45_AECCT_N2_d32.safetensors@tensor \
   --ebn0 4,5,6 --min-errors 500 --min-frames 100000 --json eval-bch.json > eval-bch.txt 2>&1
LDPC=/work/main/Tests/TestSupport/Resources/LDPC_N49_K24.alist
$B --code $LDPC --decoders bp5,bp50,osd2,ecct,aecct,aecct:ldpc-p1.safetensors,aecct:ldpc-p2.safetensors \
   --ebn0 4,5,6 --min-errors 500 --min-frames 100000 --json eval-ldpc.json > eval-ldpc.txt 2>&1
echo EVAL DONE
