#!/usr/bin/env bash
# The papers' protocol (≥ 500 frame errors and ≥ 100,000 words per point) at 4, 5, 6 dB: each learned code with its
# joint decoder and with bp50 / osd2 (osd2's ML-lower FER column is the ML lower bound), BCH-31-16 with the same
# classical decoders, and the minimum distances.
set -euo pipefail
cd "$(dirname "$0")"
bin=../../.build/release/eccbench
rule=(--ebn0 4,5,6 --min-errors 500 --min-frames 100000 --max-frames 3000000 --seed 7)
for run in random bch; do
  [ -f $run/decoder.safetensors ] || continue
  $bin code $run/code.alist --distance > $run/distance.txt
  $bin --code $run/code.alist --decoders dc-ecct:$run/decoder.safetensors,bp50,osd2 "${rule[@]}" --json $run/table.json \
    > $run/table.txt
done
$bin code BCH-31-16 --distance > bch31-16-distance.txt
$bin --code BCH-31-16 --decoders bp50,osd2 "${rule[@]}" --json bch31-16-table.json > bch31-16-table.txt
# the control: the DC-ECCT trained on the fixed BCH-31-16 (systematic form)
if [ -f bch-frozen/decoder.safetensors ]; then
  $bin --code bch-frozen/code.alist --decoders dc-ecct:bch-frozen/decoder.safetensors "${rule[@]}" --json bch-frozen/table.json \
    > bch-frozen/table.txt
fi
