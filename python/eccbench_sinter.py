"""eccbench's decoders for sinter (https://pypi.org/project/sinter/).

    sinter collect --circuits circuit.stim --decoders eccbench-mwpm eccbench-uf \
        --custom_decoders_module_function eccbench_sinter:sinter_decoders --max_shots 100000 ...

(with this folder on PYTHONPATH). eccbench-bposd, eccbench-bpm and eccbench-neural (the shipped neural decoder
trained on the circuit's detector error model; sinter's error names the model when none ships) are there too. Each
batch runs `eccbench qec decode` on the files sinter writes. The eccbench
binary is $ECCBENCH if set, else `eccbench` on PATH, else this repository's .build/release/eccbench.
"""
import os
import pathlib
import shutil
import subprocess

import sinter


def _binary():
    if os.environ.get("ECCBENCH"):
        return os.environ["ECCBENCH"]
    found = shutil.which("eccbench")
    if found:
        return found
    built = pathlib.Path(__file__).resolve().parent.parent / ".build" / "release" / "eccbench"
    if built.exists():
        return str(built)
    raise FileNotFoundError(
        "eccbench not found: build it (swift build -c release), put it on PATH, or set ECCBENCH")


class EccbenchDecoder(sinter.Decoder):
    """A sinter decoder that decodes through `eccbench qec decode --decoder NAME` (one thread per sinter worker)."""

    def __init__(self, decoder="mwpm", threads=1):
        self.decoder = decoder
        self.threads = threads

    def decode_via_files(self, *, num_shots, num_dets, num_obs, dem_path, dets_b8_in_path,
                         obs_predictions_b8_out_path, tmp_dir):
        result = subprocess.run(
            [_binary(), "qec", "decode", "--dem", str(dem_path), "--in", str(dets_b8_in_path), "--in-format", "b8",
             "--out", str(obs_predictions_b8_out_path), "--out-format", "b8", "--decoder", self.decoder,
             "--threads", str(self.threads)],
            capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"eccbench qec decode failed: {result.stderr.strip()}")


def sinter_decoders():
    """The decoders by the names sinter's --decoders takes."""
    return {"eccbench-mwpm": EccbenchDecoder("mwpm"), "eccbench-uf": EccbenchDecoder("uf"),
            "eccbench-bposd": EccbenchDecoder("bposd"), "eccbench-bpm": EccbenchDecoder("bpm"),
            "eccbench-neural": EccbenchDecoder("neural")}
