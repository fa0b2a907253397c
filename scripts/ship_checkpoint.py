#!/usr/bin/env python3
"""Ship a training checkpoint as a model file: the weights and metadata without Adam's moments (`optimizer.*`).

  python3 scripts/ship_checkpoint.py CHECKPOINT OUT
      [--note "weights only (Adam moments dropped); the full checkpoint is experiments/..."]

The metadata (code, noise, sizes, heads, settings, curve) is kept and a `shipped` entry records the note. The write
is atomic (temporary file + rename).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_ecct_weights import read_safetensors, write_safetensors  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--note", default=None)
    args = ap.parse_args()
    tensors, metadata = read_safetensors(args.checkpoint)
    weights = {k: v for k, v in tensors.items() if not k.startswith("optimizer.")}
    if not weights:
        raise SystemExit(f"error: {args.checkpoint}: no weights besides the optimizer's")
    metadata = {k: v for k, v in metadata.items() if not k.startswith(("optimizer", "adam"))}
    metadata["shipped"] = args.note or f"weights only (Adam moments dropped); the full checkpoint is {args.checkpoint}"
    write_safetensors(args.out, weights, metadata)
    print(f"{args.out}: {len(weights)} tensors, {sum(v.size for v in weights.values())} values "
          f"({len(tensors) - len(weights)} optimizer tensors dropped)")


if __name__ == "__main__":
    main()
