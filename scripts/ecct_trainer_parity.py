#!/usr/bin/env python3
"""Compare eccbench's ECCT trainer with the reference PyTorch trainer (yoniLc/ECCT, Main.py / Model.py).

Needs PyTorch and a checkout of the reference code (its Model.py, Codes.py and Codes_DB/), given by --reference-dir.

  lockstep DIR   Step-by-step: DIR is what `ecct-trainer-trace DIR` wrote (init weights, the batches of every step,
                 our per-step trace). The reference model starts from the same weights, takes the same batches with
                 Adam at the same learning rate and dropout, and both traces are printed side by side.
  init           The reference's initial weights for a seed (exported as safetensors; `ecct-trainer-trace --init`).
  train          A run of the reference trainer as Main.py does it (ECC_Dataset: zero codeword, sigma drawn per
                 sample from Eb/N0 2..7 dB; BCE of -z_pred; Adam), at a constant learning rate for --steps steps, the
                 weights exported as safetensors for `eccbench --decoders ecct:FILE`.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_ecct_weights import read_safetensors, write_safetensors  # noqa: E402


def reference_model(args, dropout):
    import torch
    ref = os.path.abspath(args.reference_dir)
    sys.path.insert(0, ref)
    from Codes import Get_Generator_and_Parity  # reference code
    from Model import ECC_Transformer

    class Code:
        pass
    code = Code()
    code.code_type, code.n, code.k = args.code_type, args.n, args.k
    cwd = os.getcwd()
    os.chdir(ref)
    try:
        G, H = Get_Generator_and_Parity(code, standard_form=args.standardize)
    finally:
        os.chdir(cwd)
    code.generator_matrix = torch.from_numpy(G).transpose(0, 1).long()
    code.pc_matrix = torch.from_numpy(H).long()

    class Args:
        pass
    a = Args()
    a.code, a.N_dec, a.d_model, a.h = code, args.layers, args.dim, 8
    import logging
    logging.disable(logging.CRITICAL)
    model = ECC_Transformer(a, dropout=0)
    for module in model.modules():  # the attention dropout is MultiHeadedAttention's own (0.1 in the reference)
        if isinstance(module, torch.nn.Dropout) and module.p > 0:
            module.p = dropout
    return model, code


def inputs(y, H):
    """magnitude |y| and the ±1 syndrome of sign(y), as ECC_Dataset computes them (zero codeword)."""
    import torch
    magnitude = torch.abs(y)
    hard = 0.5 * (1 - torch.sign(y))
    syndrome = 1 - 2 * (torch.matmul(hard.long(), H.transpose(0, 1)) % 2)
    return magnitude, syndrome.float()


def flat_norm(tensors):
    return math.sqrt(sum(float((t.detach().double() ** 2).sum()) for t in tensors))


def lockstep(args):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    weights, _ = read_safetensors(os.path.join(args.dir, "init.safetensors"))
    batches, _ = read_safetensors(os.path.join(args.dir, "batches.safetensors"))
    with open(os.path.join(args.dir, "trace.json")) as f:
        ours = json.load(f)["steps"]
    model, code = reference_model(args, args.dropout)
    state = model.state_dict()
    missing = [k for k in state if state[k].is_floating_point() and k not in weights]
    if missing:
        raise SystemExit(f"error: init.safetensors lacks {missing[:5]}")
    model.load_state_dict({k: torch.from_numpy(weights[k]) if k in weights else v for k, v in state.items()})
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    H = code.pc_matrix
    Y = torch.from_numpy(batches["y"])
    names = [k for k, _ in model.named_parameters()]
    print(f"{'step':>4} {'loss ours':>11} {'loss ref':>11} {'rel':>8}  {'|g| ours':>10} {'|g| ref':>10} {'rel':>8}  "
          f"{'|θ| ours':>10} {'|θ| ref':>10}  {'|m| rel':>8} {'|v| rel':>8}")
    worst = {"loss": 0.0, "grad": 0.0}
    for s in range(min(len(ours), Y.shape[0])):
        y = Y[s]
        magnitude, syndrome = inputs(y, H)
        z_pred = model(magnitude, syndrome)
        loss = F.binary_cross_entropy_with_logits(-z_pred, 0.5 * (1 - torch.sign(y)))
        model.zero_grad()
        loss.backward()
        grad_norm = flat_norm([p.grad for p in model.parameters()])
        per = {n: float(p.grad.double().norm()) for n, p in model.named_parameters()}
        optimizer.step()
        st = [optimizer.state[p] for p in model.parameters()]
        m_norm = flat_norm([x["exp_avg"] for x in st])
        v_norm = flat_norm([x["exp_avg_sq"] for x in st])
        o = ours[s]
        rl = abs(o["loss"] - loss.item()) / loss.item()
        rg = abs(o["grad_norm"] - grad_norm) / grad_norm
        worst["loss"], worst["grad"] = max(worst["loss"], rl), max(worst["grad"], rg)
        print(f"{s + 1:>4} {o['loss']:>11.7f} {loss.item():>11.7f} {rl:>8.1e}  {o['grad_norm']:>10.5f} {grad_norm:>10.5f} "
              f"{rg:>8.1e}  {o['param_norm']:>10.4f} {flat_norm(model.parameters()):>10.4f}  "
              f"{abs(o['exp_avg_norm'] - m_norm) / m_norm:>8.1e} {abs(o['exp_avg_sq_norm'] - v_norm) / v_norm:>8.1e}")
        if s == 0 or args.per_tensor:
            for n in names:
                ref, our = per[n], o["grad_norms"].get(n, float("nan"))
                if abs(ref - our) > 1e-3 * max(ref, 1e-12):
                    print(f"       gradient of {n}: ours {our:.6g}, reference {ref:.6g}")
    print(f"largest relative difference: loss {worst['loss']:.1e}, gradient norm {worst['grad']:.1e}")


def reference_batch(n, sigmas, B):
    """B channel outputs as the reference's ECC_Dataset draws them (zero codeword; sigma per sample from Python's random)."""
    import torch
    return 1 + torch.stack([torch.randn(n) * random.choice(sigmas) for _ in range(B)])


def train(args):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    model, code = reference_model(args, args.dropout)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    rate = code.k / code.n
    sigmas = [math.sqrt(1 / 10 ** ((e + 10 * math.log10(2 * rate)) / 10)) for e in range(2, 8)]
    model.train()
    total, start = 0.0, time.time()
    for s in range(args.steps):
        y = reference_batch(code.n, sigmas, args.batch)
        magnitude, syndrome = inputs(y, code.pc_matrix)
        z_pred = model(magnitude, syndrome)
        loss = F.binary_cross_entropy_with_logits(-z_pred, 0.5 * (1 - torch.sign(y)))
        model.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
        if (s + 1) % 500 == 0:
            print(f"step {s + 1}: mean loss {total / (s + 1):.5f} ({time.time() - start:.0f} s)", flush=True)
    tensors = {k: v.detach().float().numpy() for k, v in model.state_dict().items() if v.is_floating_point()}
    write_safetensors(args.out, tensors, {"source": "scripts/ecct_trainer_parity.py train", "seed": str(args.seed),
                                          "steps": str(args.steps), "mean_loss": f"{total / args.steps:.6f}"})
    print(f"{args.out}: mean training loss {total / args.steps:.5f}")


def init(args):
    """The reference model's initial weights for --seed (set_seed then ECC_Transformer, as Main.py does)."""
    import torch
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    model, _ = reference_model(args, args.dropout)
    tensors = {k: v.detach().float().numpy() for k, v in model.state_dict().items() if v.is_floating_point()}
    write_safetensors(args.out, tensors, {"source": "scripts/ecct_trainer_parity.py init", "seed": str(args.seed)})
    print(f"{args.out}: the reference initialisation for seed {args.seed}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["lockstep", "train", "init"])
    parser.add_argument("dir", nargs="?", help="lockstep: the folder ecct-trainer-trace wrote")
    parser.add_argument("--reference-dir", required=True)
    parser.add_argument("--code-type", default="BCH")
    parser.add_argument("--n", type=int, default=63)
    parser.add_argument("--k", type=int, default=45)
    parser.add_argument("--standardize", action="store_true")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--dim", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--dropout", type=float, default=0.0, help="attention dropout (lockstep default 0, train 0.1)")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", help="train: the exported weights")
    parser.add_argument("--per-tensor", action="store_true", help="lockstep: per-tensor gradient norms every step")
    args = parser.parse_args()
    try:
        import torch  # noqa: F401
    except ImportError:
        raise SystemExit("error: this script needs PyTorch (pip install torch)")
    if args.mode == "lockstep":
        if not args.dir:
            raise SystemExit("error: lockstep needs the folder written by ecct-trainer-trace")
        lockstep(args)
    else:
        if not args.out:
            raise SystemExit(f"error: {args.mode} needs --out FILE.safetensors")
        (train if args.mode == "train" else init)(args)


if __name__ == "__main__":
    main()
