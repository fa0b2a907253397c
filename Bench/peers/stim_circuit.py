#!/usr/bin/env python3
"""Peer: a Stim rotated surface-code memory circuit's detector error model and detection events.

Usage: stim_circuit.py distance rounds p shots out_dir
Writes out_dir/circuit.dem (decompose_errors=True) and out_dir/events.b8 (Stim's sampler, seed 1), with uniform
circuit noise p (after_clifford_depolarization, before_round_data_depolarization, before_measure_flip_probability,
after_reset_flip_probability), as issue 30's fixtures.
"""
import sys
import stim

d, rounds, p, shots, out = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
circuit = stim.Circuit.generated("surface_code:rotated_memory_z", distance=d, rounds=rounds,
                                 after_clifford_depolarization=p, before_round_data_depolarization=p,
                                 before_measure_flip_probability=p, after_reset_flip_probability=p)
dem = circuit.detector_error_model(decompose_errors=True)
open(f"{out}/circuit.dem", "w").write(str(dem))
events = dem.compile_sampler(seed=1).sample(shots)[0]
stim.write_shot_data_file(data=events, path=f"{out}/events.b8", format="b8", num_detectors=dem.num_detectors)
print(dem.num_detectors, dem.num_errors)
