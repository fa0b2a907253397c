#!/usr/bin/env python3
"""Peer benchmark: the `ldpc` package's BP (product-sum, flooding), or BP+OSD, on frames written by
eccbench-benchmarks. Usage: ldpc_bp.py H.txt llr.f32 n iterations [osd_method order]
Decodes each frame as syndrome decoding of the hard decision with per-bit priors 1/(1 + e^|llr|), the
standard reduction of channel decoding to ldpc's API; with osd_method (osd_cs, osd_e, osd0) and order, BpOsdDecoder.
Prints one line: frames seconds frame_errors bit_errors (against the transmitted codewords, llr.f32.bits).
"""
import sys, time
import numpy as np
from ldpc import BpDecoder, BpOsdDecoder

H = np.loadtxt(sys.argv[1], dtype=np.uint8)
llr = np.fromfile(sys.argv[2], dtype=np.float32)
n, iters = int(sys.argv[3]), int(sys.argv[4])
llr = llr.reshape(-1, n).astype(np.float64)
codewords = np.fromfile(sys.argv[2] + ".bits", dtype=np.uint8).reshape(-1, n)
hard = (llr < 0).astype(np.uint8)
syndromes = (hard @ H.T % 2).astype(np.uint8)
priors = 1.0 / (1.0 + np.exp(np.abs(llr)))
options = dict(error_rate=0.1, max_iter=iters, bp_method="product_sum", schedule="parallel")
if len(sys.argv) > 5:
    dec = BpOsdDecoder(H, osd_method=sys.argv[5], osd_order=int(sys.argv[6]), **options)
else:
    dec = BpDecoder(H, **options)
out = np.empty_like(hard)
start = time.perf_counter()
for f in range(llr.shape[0]):
    dec.update_channel_probs(priors[f])
    out[f] = hard[f] ^ dec.decode(syndromes[f])
seconds = time.perf_counter() - start
frame_errors = int(np.any(out != codewords, axis=1).sum())
bit_errors = int((out != codewords).sum())
print(llr.shape[0], seconds, frame_errors, bit_errors)
