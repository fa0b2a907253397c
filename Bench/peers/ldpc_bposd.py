#!/usr/bin/env python3
"""Peer benchmark: the `ldpc` package's BP+OSD (product-sum BP, 50 iterations, then OSD) on frames written by
eccbench-benchmarks. Usage: ldpc_bposd.py H.txt llr.f32 n osd_method order
Channel decoding as syndrome decoding of the hard decision with per-bit priors 1/(1 + e^|llr|) (as ldpc_bp.py).
Prints one line: frames seconds frame_errors bit_errors (errors against the transmitted codewords, llr.f32.bits).
"""
import sys, time
import numpy as np
from ldpc import BpOsdDecoder

H = np.loadtxt(sys.argv[1], dtype=np.uint8)
llr = np.fromfile(sys.argv[2], dtype=np.float32)
n, method, order = int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
llr = llr.reshape(-1, n).astype(np.float64)
codewords = np.fromfile(sys.argv[2] + ".bits", dtype=np.uint8).reshape(-1, n)
hard = (llr < 0).astype(np.uint8)
syndromes = (hard @ H.T % 2).astype(np.uint8)
priors = 1.0 / (1.0 + np.exp(np.abs(llr)))
dec = BpOsdDecoder(H, error_rate=0.1, max_iter=50, bp_method="product_sum", schedule="parallel",
                   osd_method=method, osd_order=order)
out = np.empty_like(hard)
start = time.perf_counter()
for f in range(llr.shape[0]):
    dec.update_channel_probs(priors[f])
    out[f] = hard[f] ^ dec.decode(syndromes[f])
seconds = time.perf_counter() - start
frame_errors = int(np.any(out != codewords, axis=1).sum())
bit_errors = int((out != codewords).sum())
print(llr.shape[0], seconds, frame_errors, bit_errors)
