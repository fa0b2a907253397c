#!/usr/bin/env python3
"""Peer: PyMatching 2 on detection events written by eccbench (tests and benchmarks).

Usage: pymatching_decode.py H.txt L.txt detections.u8 errors.u8 rounds p q [--weights]
  H.txt, L.txt  one CSS half's check matrix and logicals, dense 0/1 rows
  detections.u8 [shots, rounds * m] uint8, round-major (round 0's syndrome, then differences)
  errors.u8     [shots, n] uint8, the final accumulated error
Edge weights log((1-p)/p) (space) and log((1-q)/q) (time), as eccbench's mwpm. Prints one line per shot with the
matching weight when --weights is given, then 'shots failures seconds' (decoding time only, one thread).
"""
import sys, time
import numpy as np
import pymatching

H = np.loadtxt(sys.argv[1], dtype=np.uint8, ndmin=2)
L = np.loadtxt(sys.argv[2], dtype=np.uint8, ndmin=2)
rounds, p, q = int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
m, n = H.shape
det = np.fromfile(sys.argv[3], dtype=np.uint8).reshape(-1, rounds * m)
err = np.fromfile(sys.argv[4], dtype=np.uint8).reshape(-1, n)
w = np.log((1 - p) / p)
if rounds > 1:
    matching = pymatching.Matching.from_check_matrix(H, weights=w, repetitions=rounds,
                                                     timelike_weights=np.log((1 - q) / q))
else:
    matching = pymatching.Matching.from_check_matrix(H, weights=w)
want_weights = "--weights" in sys.argv
syndromes = [det[s].reshape(rounds, m).T.copy() if rounds > 1 else det[s] for s in range(det.shape[0])]
out = np.zeros_like(err)
weights = []
if want_weights:
    for s, syn in enumerate(syndromes):
        out[s], weight = matching.decode(syn, return_weight=True)
        weights.append(weight)
# Detector t*m + c is check c at round t: the rows of det are already in PyMatching's detector order.
start = time.perf_counter()
batch = matching.decode_batch(det)
seconds = time.perf_counter() - start
out = batch
failures = int(np.any((L @ ((out ^ err).T)) % 2, axis=0).sum())
for weight in weights:
    print(f"{weight / w:.6f}")
print(det.shape[0], failures, seconds)
