#!/usr/bin/env python3
"""Convert a reference ECCT or AECCT checkpoint (PyTorch) into the safetensors file `eccbench` loads.

Usage:
  export_ecct_weights.py CHECKPOINT OUT.safetensors [--reference-dir DIR]

CHECKPOINT is what the reference code saved with torch.save: the whole model (pickled; its classes must be
importable, so pass the reference repository with --reference-dir), or a state_dict, or a dict holding one
under 'state_dict' / 'model_state_dict' / 'model'. A 'module.' prefix (DataParallel) is removed. Floating-point
tensors are written as F32 under their reference names (../shared/reference/ecct-weights.md); non-float
buffers such as the attention mask are left out (eccbench rebuilds the mask from H). The file is written
atomically (temporary file + rename). Then: eccbench --code CODE --decoders ecct:OUT.safetensors

AECCT checkpoints (mlaetvayn/AECCT) export the same way, at any phase: phase 1 (fp, with the `lpe` table), QAT
(each quantised Linear's `delta`) or frozen (`s_w` beside the ternary weights, after freeze_weights). Then:
eccbench --code CODE --decoders aecct:OUT.safetensors, or eccbench infer ... --mode fp|qat|frozen.

DQEC checkpoints (yoniLc/DQEC) export the same way; give --heads (and --rounds for a faulty-measurement model) so the
file records what its shapes cannot tell: eccbench qec --decoders neural:OUT.safetensors then needs no override.
"""
import argparse
import json
import os
import struct
import sys
import tempfile


def state_dict_of(obj):
    import torch
    if isinstance(obj, torch.nn.Module):
        return obj.state_dict()
    if isinstance(obj, dict):
        for key in ("state_dict", "model_state_dict", "model"):
            if key in obj:
                return state_dict_of(obj[key])
        if all(isinstance(v, torch.Tensor) for v in obj.values()):
            return obj
    raise SystemExit(f"error: cannot find a state_dict in the checkpoint (found {type(obj).__name__}"
                     + (f" with keys {sorted(obj)[:8]}" if isinstance(obj, dict) else "") + ")")


def write_safetensors(path, tensors, metadata):
    """Write {name: float32 numpy array} as safetensors (F32, names sorted) atomically: temporary file + rename."""
    header, offset = {}, 0
    for name in sorted(tensors):
        nbytes = tensors[name].size * 4
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    header["__metadata__"] = metadata
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".export-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(blob)))
            f.write(blob)
            for name in sorted(tensors):
                f.write(tensors[name].astype("<f4").tobytes())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def read_safetensors(path):
    """{name: numpy array} and the metadata of a safetensors file (F32 tensors only)."""
    import numpy as np
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise SystemExit(f"error: {path}: tensor '{name}' is {info['dtype']}, not F32")
        a, b = info["data_offsets"]
        tensors[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(info["shape"]).copy()
    return tensors, metadata


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint")
    parser.add_argument("out")
    parser.add_argument("--reference-dir", help="folder of the reference code, for unpickling whole models")
    parser.add_argument("--heads", type=int, help="attention heads the model was built with (recorded in the file; "
                        "the neural quantum decoder needs it: DQEC's default is 16)")
    parser.add_argument("--rounds", type=int, help="measurement rounds T of a DQEC model (recorded in the file)")
    args = parser.parse_args()
    for name in ("heads", "rounds"):
        value = getattr(args, name)
        if value is not None and not 1 <= value <= 4096:
            raise SystemExit(f"error: --{name} {value} must be in 1…4096")
    try:
        import torch
    except ImportError:
        raise SystemExit("error: this script needs PyTorch (pip install torch)")
    if args.reference_dir:
        sys.path.insert(0, os.path.abspath(args.reference_dir))
        sys.path.insert(0, os.path.dirname(os.path.abspath(args.reference_dir)))
    try:
        obj = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    except ModuleNotFoundError as e:
        raise SystemExit(f"error: {args.checkpoint}: the pickled model needs module '{e.name}'; "
                         "pass the reference code's folder with --reference-dir")
    except Exception as e:
        raise SystemExit(f"error: {args.checkpoint}: cannot load: {e}")
    tensors, skipped = {}, []
    for name, value in state_dict_of(obj).items():
        name = name[len("module."):] if name.startswith("module.") else name
        if not value.is_floating_point():
            skipped.append(name)
            continue
        tensors[name] = value.detach().to(torch.float32).contiguous().cpu().numpy()
    if "src_embed" not in tensors:
        raise SystemExit(f"error: {args.checkpoint}: no 'src_embed' tensor; names found: {sorted(tensors)[:10]}")
    metadata = {"source": os.path.basename(args.checkpoint), "exported_by": "scripts/export_ecct_weights.py"}
    if args.heads is not None:
        metadata["heads"] = str(args.heads)
    if args.rounds is not None:
        metadata["rounds"] = str(args.rounds)
    write_safetensors(args.out, tensors, metadata)
    layers = len({n.split(".")[2] for n in tensors if n.startswith("decoder.layers.")})
    width, kind = tensors["src_embed"].shape[1], "ECCT"
    if "lpe" in tensors:
        width += tensors["lpe_proj.weight"].shape[0] if "lpe_proj.weight" in tensors else 8
        kind = "AECCT " + ("frozen" if any(n.endswith(".s_w") for n in tensors)
                           else "QAT" if any(n.endswith(".delta") for n in tensors) else "fp")
    print(f"{args.out}: {kind}, {len(tensors)} tensors, N = {layers}, d = {width}, "
          f"n + m = {tensors['src_embed'].shape[0]}" + (f"; left out non-float {skipped}" if skipped else ""))


if __name__ == "__main__":
    main()
