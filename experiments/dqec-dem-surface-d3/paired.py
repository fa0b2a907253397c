#!/usr/bin/env python3
"""Issue 30's paired check: Stim samples SHOTS shots of the d = 3 circuit's DEM (seed 7), `eccbench qec decode`
decodes them with each decoder, and the failures are counted shot by shot against mwpm (McNemar's z).

Usage: paired.py ECCBENCH DEM SHOTS WORKDIR DECODER [DECODER ...]   (DECODER as `qec decode --decoder` takes it)
"""
import math
import subprocess
import sys

import numpy as np
import stim

eccbench, dem_path, shots, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
decoders = sys.argv[5:]
dem = stim.DetectorErrorModel.from_file(dem_path)
events, observables, _ = dem.compile_sampler(seed=7).sample(shots)
stim.write_shot_data_file(data=events, path=f"{work}/events.b8", format="b8", num_detectors=dem.num_detectors)
failures = {}
for decoder in ["mwpm"] + [d for d in decoders if d != "mwpm"]:
    out = f"{work}/pred-{len(failures)}.b8"
    subprocess.run([eccbench, "qec", "decode", "--dem", dem_path, "--in", f"{work}/events.b8", "--in-format", "b8",
                    "--out", out, "--out-format", "b8", "--decoder", decoder, "--threads", "2"], check=True)
    predicted = stim.read_shot_data_file(path=out, format="b8", num_observables=dem.num_observables)
    failures[decoder] = np.any(predicted != observables, axis=1)
base = failures["mwpm"]
print(f"{shots} shots sampled by Stim (seed 7) from {dem_path}")
print("decoder                       failures  LER        alone / mwpm alone  McNemar z")
for decoder, fail in failures.items():
    alone, mwpm_alone = int(np.sum(fail & ~base)), int(np.sum(base & ~fail))
    z = (mwpm_alone - alone) / math.sqrt(alone + mwpm_alone) if alone + mwpm_alone else 0.0
    print(f"{decoder:29s} {int(fail.sum()):8d}  {fail.mean():.4e} {alone:6d} / {mwpm_alone:<6d}      {z:6.2f}")
