#!/usr/bin/env python3
"""The way back to PyTorch: an eccbench checkpoint or model file → a state_dict the reference code loads.

  python3 scripts/to_pytorch_state_dict.py MODEL.safetensors OUT.pt

Writes torch.save({name: tensor}) with every parameter under its reference name (ECCT, AECCT, DQEC and DC-ECCT files
keep those names), leaving out Adam's moments (`optimizer.*`) and eccbench's extra tables (the AECCT's `lpe` is kept:
it is a reference parameter). Load it into the reference model built for the same code and sizes with
`model.load_state_dict(torch.load(OUT), strict=False)`: the reference builds its attention mask buffer from H itself,
so the only missing keys it reports are such buffers. The file's metadata (code, sizes, heads, rounds) is printed to
build the model with. The write is atomic (temporary file + rename).
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_ecct_weights import read_safetensors  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("out")
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        raise SystemExit("error: this script needs PyTorch (pip install torch)")
    tensors, metadata = read_safetensors(args.model)
    state = {k: torch.from_numpy(v.copy()) for k, v in tensors.items() if not k.startswith("optimizer.")}
    if not state:
        raise SystemExit(f"error: {args.model}: no parameters besides the optimizer's")
    folder = os.path.dirname(os.path.abspath(args.out))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pt")
    os.close(fd)
    try:
        torch.save(state, tmp)
        os.replace(tmp, args.out)
    except BaseException:
        os.unlink(tmp)
        raise
    described = {k: v for k, v in metadata.items() if k in ("code", "n", "m", "layers", "width", "heads", "rounds",
                                                             "noise", "parity_check", "architecture", "precision")}
    print(f"{args.out}: {len(state)} tensors; build the reference model with {described}")


if __name__ == "__main__":
    main()
