#!/usr/bin/env python3
"""Peer benchmark: a learned (n, k) code with a DC-ECCT-shaped decoder (docs/DESIGN.md §7) in PyTorch, one training step =
differentiable encoding of all-ones messages, AWGN, forward, backward (into Ω through φ(M), the head and |y|), Adam.
Usage: torch_learned_code_step.py N K LAYERS WIDTH BATCH STEPS [THREADS]. Prints: samples per second."""
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F
from peer_blocks import Block, samples_per_second

n, k, N, d, B, steps = (int(a) for a in sys.argv[1:7])
torch.set_num_threads(int(sys.argv[7]) if len(sys.argv) > 7 else 2)
m, H = n - k, 8
L = n + m

class STESign(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.where(x >= 0, 1.0, -1.0)
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x.abs() <= 1)

class PhiScale(nn.Module):
    """The DC-ECCT's learned per-pair score scale φ(M), M the (n+m)² mask of the current code."""
    def __init__(self):
        super().__init__()
        self.phi = nn.Sequential(nn.Linear(1, 50), nn.ReLU(), nn.Linear(50, 1))
    def forward(self, s, M):
        return s * self.phi(M.unsqueeze(-1)).squeeze(-1)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.omega = nn.Parameter(torch.randint(0, 2, (m, k)).float().mul(2).sub(1) * 0.01)
        self.magn = nn.Parameter(torch.randn(1, d) * 0.1)
        self.synd = nn.Embedding(5, d)
        self.blocks = nn.ModuleList(Block(d, L, H, PhiScale()) for _ in range(N))
        self.mid, self.final = nn.LayerNorm(d), nn.LayerNorm(d)
        self.w, self.A, self.Bc = nn.Linear(d, 1), nn.Linear(d, d), nn.Linear(d, d)
    def forward(self, msg, z):
        P = 0.5 * (1 - STESign.apply(self.omega))
        Hm = torch.cat([torch.eye(m), P], 1)
        G = torch.cat([P, torch.eye(k)], 0).t()
        xs = torch.prod(1 - 2 * G.unsqueeze(0) * msg.unsqueeze(2), 1)
        zmul = ((xs + z) * xs).detach()
        y = xs * zmul
        hard = 0.5 * (1 - STESign.apply(y))
        s = torch.prod(1 - 2 * Hm.unsqueeze(0) * hard.unsqueeze(1), 2)
        M = torch.cat([torch.cat([Hm.t() @ Hm, Hm.t()], 1), torch.cat([Hm, Hm @ Hm.t()], 1)], 0)
        x = torch.cat([self.magn.unsqueeze(0) * y.abs().unsqueeze(-1), self.synd((0.5 * (1 - s)).long())], 1)
        for i, blk in enumerate(self.blocks):
            x = blk(x, M)
            if i + 1 == N // 2 and N > 1: x = self.mid(x)
        e = -self.final(x)
        pooled = torch.einsum('cj,bcd->bjd', Hm, e[:, n:])
        out = self.w(self.A(e[:, :n]) + self.Bc(pooled) + (m - 1) * self.Bc.bias).squeeze(-1)
        return F.binary_cross_entropy_with_logits(out, (zmul < 0).float())

model = Model()
opt = torch.optim.Adam(model.parameters(), lr=1e-4)
msg = torch.ones(B, k)
z = torch.randn(B, n) * 0.7
def step():
    opt.zero_grad()
    model(msg, z).backward()
    opt.step()
samples_per_second(step, B, steps)
