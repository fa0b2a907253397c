#!/usr/bin/env python3
"""A parity fixture for the neural quantum decoder with repeated measurements, made by the reference code.

Builds the reference model of yoniLc/DQEC `Model_T_measurements.py` (g and the first N/2 layers per round, the round
mean before the mid LayerNorm, the rest once) over the reference's own toric code (`Codes.py`), initialised by its
seed, runs it on syndromes drawn as the reference's `QECC_Dataset` draws them with repetitions > 1 (difference
syndromes, q = p, the last round perfect) and writes:

  DIR/weights.safetensors  the model's state dict (reference names)
  DIR/io.safetensors       H [m, n], syndrome [B, T, m] (±1), errors [B, n] (the accumulated error), noise_estimate
                           [B, n] (g averaged over the rounds, as the reference's loss takes it), logits [B, n] (the
                           reference's output z, z > 0: error), loss [1] (0.5·BCE(−z, 1 − e) + 0.5·BCE(ḡ, 1 − e) +
                           1.0·L_LER with σ, Main.py's train step)
  DIR/meta.json            the settings

Needs PyTorch, NumPy, SciPy and a checkout of the reference (--reference-dir). Example:
  python3 scripts/dqec_rounds_fixture.py --reference-dir ../DQEC --out Tests/TestSupport/Resources/dqec-toric4-indep-T3-N3-d16-h4
"""
import argparse
import json
import os
import random
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_ecct_weights import write_safetensors  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--L", type=int, default=4)
    ap.add_argument("--noise", choices=["independent", "depolarization"], default="independent")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--dim", type=int, default=16)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--p", type=float, default=0.03)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    if args.rounds < 2:
        raise SystemExit("error: --rounds must be at least 2 (one round is Model.py's, fixture dqec-toric4-depol)")

    import torch
    ref = os.path.abspath(args.reference_dir)
    sys.path.insert(0, ref)
    from Codes import Get_toric_Code  # reference code
    from Model_T_measurements import ECC_Transformer
    import Main as reference_main

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    random.seed(args.seed)

    class Code:
        pass
    code = Code()
    H, logicals = Get_toric_Code(args.L, full_H=args.noise == "depolarization")
    code.pc_matrix = torch.from_numpy(H).long()
    code.logic_matrix = torch.from_numpy(logicals).long()
    code.n = code.pc_matrix.shape[1]

    class Args:
        pass
    margs = Args()
    margs.code, margs.h, margs.d_model, margs.N_dec, margs.no_g = code, args.heads, args.dim, args.layers, 0
    margs.repetitions, margs.noise_type = args.rounds, args.noise
    model = ECC_Transformer(margs, dropout=0)
    model.eval()

    dataset = reference_main.QECC_Dataset(code, [args.p], len=args.batch, args=margs)
    samples = [dataset[i] for i in range(args.batch)]
    z = torch.stack([s[1] for s in samples])                 # [B, n] accumulated error
    syndrome = torch.stack([s[4] for s in samples])          # [B, T, m] ±1
    with torch.no_grad():
        out = model(None, syndrome)
        g = model.magnitude_pred[0].mean(1)
        loss1, loss2 = model.loss(-out, z)
        L = dataset.logic_matrix.float()
        loss3 = torch.nn.functional.binary_cross_entropy_with_logits(
            reference_main.diff_GF2_mul(L, torch.sigmoid(-out)), reference_main.logical_flipped(L, z))
        loss = 0.5 * loss1 + 0.5 * loss2 + 1.0 * loss3

    os.makedirs(args.out, exist_ok=True)
    weights = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items() if k != "src_mask"}
    meta = {"L": args.L, "noise": args.noise, "rounds": args.rounds, "n": int(code.n), "m": int(H.shape[0]),
            "layers": args.layers, "dim": args.dim, "heads": args.heads, "seed": args.seed, "batch": args.batch, "p": args.p,
            "source": "yoniLc/DQEC Model_T_measurements.py, Codes.py, Main.py (QECC_Dataset, diff_GF2_mul)"}
    write_safetensors(os.path.join(args.out, "weights.safetensors"), weights, {"source": meta["source"]})
    io = {"H": H.astype(np.float32), "syndrome": syndrome.numpy().astype(np.float32), "errors": z.numpy().astype(np.float32),
          "noise_estimate": g.numpy().astype(np.float32), "logits": out.numpy().astype(np.float32),
          "loss": np.array([loss.item()], dtype=np.float32)}
    write_safetensors(os.path.join(args.out, "io.safetensors"), io, {"source": meta["source"]})
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(f"{args.out}: loss {loss.item():.6f}, {args.batch} samples, T = {args.rounds}, n = {code.n}, m = {H.shape[0]}")


if __name__ == "__main__":
    main()
