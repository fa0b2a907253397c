"""Shared pieces of the PyTorch peer benchmarks: the ECCT's pre-norm transformer block (docs/DESIGN.md §3) with a hook
on the attention scores, and the timing loop (two warm-up steps, then samples per second on stdout)."""
import math
import time
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    """x [B, L, d] -> x [B, L, d]: x + O(attention(LN(x))), then x + FFN(LN(x)), H heads.
    `score(s, *extra)` rewrites the scaled scores s [B, H, L, L] (a mask, a learned per-pair scale, ...)."""

    def __init__(self, d, L, H, score, dropout=0.0):
        super().__init__()
        self.d, self.L, self.H, self.score = d, L, H, score
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.f1, self.f2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
        self.n1, self.n2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, *extra):
        b, d, L, H = x.shape[0], self.d, self.L, self.H
        h = self.n1(x)
        split = lambda t: t.view(b, L, H, d // H).transpose(1, 2)
        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        s = self.score(q @ k.transpose(-2, -1) / math.sqrt(d // H), *extra)
        a = (self.drop(F.softmax(s, dim=-1)) @ v).transpose(1, 2).reshape(b, L, d)
        x = x + self.o(a)
        return x + self.f2(F.gelu(self.f1(self.n2(x))))


def samples_per_second(step, batch, steps):
    """Runs `step` twice to warm up, then `steps` times; prints batch × steps / seconds."""
    for _ in range(2):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    print(batch * steps / (time.perf_counter() - start))
