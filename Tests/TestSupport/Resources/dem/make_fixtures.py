#!/usr/bin/env python3
"""Writes the DEM fixtures of DetectorErrorModelTests with Stim (run from this folder; Stim 1.16 made the committed ones).

For each model NAME: NAME.dem (the text our parser reads), NAME.expected.json (Stim's own reading: num_detectors,
num_observables, and the columns of the check matrix after `flattened()` resolves repeat and shift_detectors, identical
symptoms merged as independent events in order of first appearance; the matching edges likewise), and for the circuits
NAME.events.{01,b8,r8,ptb64} and NAME.obs.{01,b8,r8,ptb64}: 64 shots sampled by Stim (seed 5); NAME.match.events.b8
(400 shots, seed 6) with PyMatching 2's predictions (NAME.match.pymatching.b8) and matching weights
(NAME.match.weights.txt).
"""
import numpy as np
import pymatching
import json
import stim

def circuit(kind, distance, rounds, p):
    return stim.Circuit.generated(kind, distance=distance, rounds=rounds, after_clifford_depolarization=p,
                                  before_round_data_depolarization=p, before_measure_flip_probability=p,
                                  after_reset_flip_probability=p)

HAND = """# a hand-written model: comments, blank lines, coordinates, shifts and nested repeats
detector(0, 0, 0) D0
detector(1, 0, 0) D1
logical_observable L0

error(0.125) D0 D1
error(0.01) D0 L0   # trailing comment
error(1e-3) D1 ^ D0 L0
repeat 3 {
    error(0.02) D0 D2
    repeat 2 {
        error(0.05) D1
        shift_detectors(0, 0, 1) 1
    }
    detector(2, 0, 0) D0
    error(0.125) D0 D1
}
error(0.2) D0 D1
error(0.3) D0 D1
error(0) D3
logical_observable L1
"""

def symptom(targets):
    dets, obs = set(), set()
    for t in targets:
        if t.is_separator():
            continue
        s = dets if t.is_relative_detector_id() else obs
        v = t.val
        s ^= {v}
    return tuple(sorted(dets)), tuple(sorted(obs))

def parts(targets):
    out, cur = [], []
    for t in targets:
        if t.is_separator():
            out.append(cur); cur = []
        else:
            cur.append(t)
    out.append(cur)
    return [symptom(p) for p in out]

def expected(dem):
    cols, edges = {}, {}
    for inst in dem.flattened():
        if inst.type != "error":
            continue
        p = inst.args_copy()[0]
        s = symptom(inst.targets_copy())
        if s != ((), ()):
            q = cols.get(s)
            cols[s] = p if q is None else q * (1 - p) + p * (1 - q)
        for d, o in parts(inst.targets_copy()):
            if not d or len(d) > 2:
                continue
            key = (d[0], d[1] if len(d) == 2 else -1)
            if key in edges:
                q, oo = edges[key]
                edges[key] = (q * (1 - p) + p * (1 - q), oo)
            else:
                edges[key] = (p, o)
    coords = {str(k): v for k, v in dem.get_detector_coordinates().items() if v}
    return {
        "detectors": dem.num_detectors, "observables": dem.num_observables,
        "columns": [[list(d), list(o), p] for (d, o), p in cols.items()],
        "edges": [[u, v, p, list(o)] for (u, v), (p, o) in edges.items()],
        "coordinates": coords,
    }

models = {"hand": stim.DetectorErrorModel(HAND)}
for name, kind, d, r in [("surface-d3-r3", "surface_code:rotated_memory_z", 3, 3),
                         ("surface-d5-r5", "surface_code:rotated_memory_z", 5, 5),
                         ("surface-d7-r3", "surface_code:rotated_memory_z", 7, 3),
                         ("repetition-d5-r5", "repetition_code:memory", 5, 5)]:
    c = circuit(kind, d, r, 0.005)
    dem = c.detector_error_model(decompose_errors=True)
    models[name] = dem
    sampler = c.compile_detector_sampler(seed=5)
    events, obs = sampler.sample(64, separate_observables=True)
    events400, _ = c.compile_detector_sampler(seed=6).sample(400, separate_observables=True)
    stim.write_shot_data_file(data=events400, path=f"{name}.match.events.b8", format="b8",
                              num_detectors=dem.num_detectors)
    predictions, weights = pymatching.Matching.from_detector_error_model(dem).decode_batch(
        events400, return_weights=True)
    stim.write_shot_data_file(data=predictions.astype(bool), path=f"{name}.match.pymatching.b8", format="b8",
                              num_observables=dem.num_observables)
    np.savetxt(f"{name}.match.weights.txt", weights, fmt="%.17g")
    for fmt in ["01", "b8", "r8", "ptb64"]:
        stim.write_shot_data_file(data=events, path=f"{name}.events.{fmt}", format=fmt, num_detectors=dem.num_detectors)
        stim.write_shot_data_file(data=obs, path=f"{name}.obs.{fmt}", format=fmt, num_observables=dem.num_observables)
for name, dem in models.items():
    text = HAND if name == "hand" else str(dem) + "\n"
    open(f"{name}.dem", "w").write(text)
    json.dump(expected(dem), open(f"{name}.expected.json", "w"))
