#!/usr/bin/env python3
"""Peer benchmark: an ECCT-shaped model (docs/DESIGN.md §3) in PyTorch, training step = forward + backward + Adam,
or with MODE = infer, evaluation-mode inference (no_grad) of batches.
Usage: torch_ecct_step.py MASK.txt LAYERS WIDTH OUTPUTS BATCH STEPS [THREADS] [train|infer]
MASK.txt: the (n+m)×(n+m) 0/1 attention mask (1 = may attend). Prints: samples (words) per second."""
import sys, time, math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

mask_path, N, d, n_out, B, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
torch.set_num_threads(int(sys.argv[7]) if len(sys.argv) > 7 else 2)
mode = sys.argv[8] if len(sys.argv) > 8 else "train"
allowed = torch.tensor(np.loadtxt(mask_path, dtype=np.int64) > 0)
L, H = allowed.shape[0], 8

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.f1, self.f2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
        self.n1, self.n2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.drop = nn.Dropout(0.1)
    def forward(self, x):
        b = x.shape[0]
        h = self.n1(x)
        split = lambda t: t.view(b, L, H, d // H).transpose(1, 2)
        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        s = q @ k.transpose(-2, -1) / math.sqrt(d // H)
        s = s.masked_fill(~allowed, -1e9)
        p = self.drop(F.softmax(s, dim=-1))
        a = (p @ v).transpose(1, 2).reshape(b, L, d)
        x = x + self.o(a)
        return x + self.f2(F.gelu(self.f1(self.n2(x))))

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Parameter(torch.empty(L, d)); nn.init.xavier_uniform_(self.embed)
        self.blocks = nn.ModuleList(Block() for _ in range(N))
        self.mid, self.final = nn.LayerNorm(d), nn.LayerNorm(d)
        self.head1, self.head2 = nn.Linear(d, 1), nn.Linear(L, n_out)
    def forward(self, x):
        h = x.unsqueeze(-1) * self.embed
        for i, blk in enumerate(self.blocks, 1):
            h = blk(h)
            if i == N // 2 and N > 1:
                h = self.mid(h)
        return self.head2(self.head1(self.final(h)).squeeze(-1))

torch.manual_seed(0)
model = Model()
opt = torch.optim.Adam(model.parameters(), lr=1e-4)
x = torch.randn(B, L).abs()
t = (torch.rand(B, n_out) < 0.1).float()
def step():
    opt.zero_grad(set_to_none=True)
    loss = F.binary_cross_entropy_with_logits(model(x), t)
    loss.backward()
    opt.step()
if mode == "infer":
    model.eval()
    def step():
        with torch.no_grad():
            model(x)
for _ in range(2):
    step()
start = time.perf_counter()
for _ in range(steps):
    step()
print(B * steps / (time.perf_counter() - start))
