#!/usr/bin/env python3
"""Peer: PyMatching 2 on a detector error model's detection events (b8), as `eccbench qec decode` reads them.

Usage: pymatching_dem.py model.dem events.b8 predictions.b8
Writes PyMatching's predictions (b8) and prints 'shots seconds packed_seconds': decode_batch's time alone (one
thread) on the shots as bytes, and on the same shots bit-packed (bit_packed_shots=True, b8's rows as read).
"""
import sys, time
import numpy as np
import pymatching
import stim

dem = stim.DetectorErrorModel(open(sys.argv[1]).read())
events = stim.read_shot_data_file(path=sys.argv[2], format="b8", num_detectors=dem.num_detectors)
matching = pymatching.Matching.from_detector_error_model(dem)
start = time.perf_counter()
predictions = matching.decode_batch(events)
seconds = time.perf_counter() - start
packed = stim.read_shot_data_file(path=sys.argv[2], format="b8", num_detectors=dem.num_detectors, bit_packed=True)
start = time.perf_counter()
packed_predictions = matching.decode_batch(packed, bit_packed_shots=True)
packed_seconds = time.perf_counter() - start
assert (packed_predictions == predictions).all()
stim.write_shot_data_file(data=predictions.astype(bool), path=sys.argv[3], format="b8",
                          num_observables=dem.num_observables)
print(events.shape[0], seconds, packed_seconds)
