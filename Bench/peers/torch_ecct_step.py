#!/usr/bin/env python3
"""Peer benchmark: an ECCT-shaped model (docs/DESIGN.md §3) in PyTorch, training step = forward + backward + Adam,
or with MODE = infer, evaluation-mode inference (no_grad) of batches.
Usage: torch_ecct_step.py MASK.txt LAYERS WIDTH OUTPUTS BATCH STEPS [THREADS] [train|infer]
MASK.txt: the (n+m)×(n+m) 0/1 attention mask (1 = may attend). Prints: samples (words) per second."""
import sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from peer_blocks import Block, samples_per_second

mask_path, N, d, n_out, B, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
torch.set_num_threads(int(sys.argv[7]) if len(sys.argv) > 7 else 2)
mode = sys.argv[8] if len(sys.argv) > 8 else "train"
allowed = torch.tensor(np.loadtxt(mask_path, dtype=np.int64) > 0)
L, H = allowed.shape[0], 8

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Parameter(torch.empty(L, d)); nn.init.xavier_uniform_(self.embed)
        self.blocks = nn.ModuleList(Block(d, L, H, lambda s: s.masked_fill(~allowed, -1e9), 0.1) for _ in range(N))
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
samples_per_second(step, B, steps)
