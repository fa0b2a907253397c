#!/usr/bin/env python3
"""Peer benchmark: the `ldpc` package's BP (product-sum, flooding, 50 iterations) on frames written by
eccbench-benchmarks. Usage: ldpc_bp.py H.txt llr.f32 n iterations
Decodes each frame as syndrome decoding of the hard decision with per-bit priors 1/(1 + e^|llr|), the
standard reduction of channel decoding to ldpc's API. Prints one line: frames seconds frame_errors_vs_zero...
"""
import sys, time
import numpy as np
from ldpc import BpDecoder

H = np.loadtxt(sys.argv[1], dtype=np.uint8)
llr = np.fromfile(sys.argv[2], dtype=np.float32)
n, iters = int(sys.argv[3]), int(sys.argv[4])
llr = llr.reshape(-1, n).astype(np.float64)
codewords = np.fromfile(sys.argv[2] + ".bits", dtype=np.uint8).reshape(-1, n)
hard = (llr < 0).astype(np.uint8)
syndromes = (hard @ H.T % 2).astype(np.uint8)
priors = 1.0 / (1.0 + np.exp(np.abs(llr)))
dec = BpDecoder(H, error_rate=0.1, max_iter=iters, bp_method="product_sum", schedule="parallel")
out = np.empty_like(hard)
start = time.perf_counter()
for f in range(llr.shape[0]):
    dec.update_channel_probs(priors[f])
    out[f] = hard[f] ^ dec.decode(syndromes[f])
seconds = time.perf_counter() - start
frame_errors = int(np.any(out != codewords, axis=1).sum())
bit_errors = int((out != codewords).sum())
print(llr.shape[0], seconds, frame_errors, bit_errors)
