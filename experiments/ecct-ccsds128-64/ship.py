#!/usr/bin/env python3
"""Copies a training checkpoint without Adam's moments (optimizer.*): the shipped model. Usage: ship.py IN OUT"""
import json, struct, sys

with open(sys.argv[1], "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
out_header, chunks, offset = {}, [], 0
for name, entry in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0] if kv[0] != "__metadata__" else -1):
    if name == "__metadata__":
        out_header[name] = entry
        continue
    if name.startswith("optimizer."):
        continue
    a, b = entry["data_offsets"]
    chunks.append(data[a:b])
    out_header[name] = dict(entry, data_offsets=[offset, offset + b - a])
    offset += b - a
text = json.dumps(out_header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)
tmp = sys.argv[2] + ".tmp"
with open(tmp, "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
import os
os.replace(tmp, sys.argv[2])
