#!/usr/bin/env python3
"""Executed instructions per decoded word of `eccbench infer`, measured with valgrind's callgrind.

Each model decodes W1 and W2 words (whole 32-word chunks) under `callgrind --dump-instr=yes`; the difference of the
two runs over W2 - W1 words is the per-word count, without loading and set-up. Every executed instruction address is
mapped to its mnemonic with objdump (callgrind's addresses are the objects' own), so the counts cover our code, the C
kernels and OpenBLAS alike. Classes: floating-point multiplies (mul*s/p*), FMAs (vfmadd...: a multiply and an add),
floating-point adds and subtracts, integer multiplies (imul, pmul*, pmadd*), vector integer adds and subtracts
(padd*/psub*), scalar integer adds (add/sub/inc/dec: loop and address arithmetic included), and the ternary kernels'
byte multiply-adds (vpmaddubsw, vpdpbusd; a lane is one byte product). Lanes: the elements a vector instruction
processes (xmm/ymm/zmm width over the element size). valgrind executes no AVX-512, so the counts are those of the
AVX2 path (CPUID under valgrind reports no AVX-512: the dispatch picks the AVX2 kernels).

Beside it, the paper-style estimate from the model's shapes with the 45 nm energy table of M. Horowitz, "Computing's
energy problem (and what we can do about it)", ISSCC 2014: fp32 multiply 3.7 pJ, fp32 add 0.9 pJ, int32 add 0.1 pJ,
int8 add 0.03 pJ, int32 multiply 3.1 pJ, int8 multiply 0.2 pJ; and the 7 nm figures of N. P. Jouppi et al., "Ten
Lessons From Three Generations Shaped Google's TPUv4i", ISCA 2021, Table 2: fp32 multiply 1.31 pJ, fp32 add 0.38 pJ,
int8 add 0.007 pJ (the figures BitNet b1.58 and the AECCT paper's energy comparison use). No int32 add at 7 nm is taken
from a source we could check, so the 7 nm column prices the ternary accumulations as int8 adds, as those papers do (a
lower bound: our CPU kernel accumulates in int16 lanes, widened to int32 every 128 columns).
"""
import argparse, collections, json, os, random, re, struct, subprocess, tempfile

HORowitz_45NM = {"fp32_mul": 3.7, "fp32_add": 0.9, "int32_add": 0.1, "int8_add": 0.03, "int32_mul": 3.1, "int8_mul": 0.2}
JOUPPI_7NM = {"fp32_mul": 1.31, "fp32_add": 0.38, "int8_add": 0.007}

CLASSES = [
    # byte multiply-adds of the ternary kernels: vpmaddubsw (AVX2: (x + 128)·W, pairs added in int16), vpdpbusd (VNNI:
    # quads added into int32); a lane is one byte product
    ("int8_dot", re.compile(r"^v?(pmaddubsw|pdpbusds?)$")),
    ("fma", re.compile(r"^vfn?m(add|sub)(sub|add)?\d{3}(ss|sd|ps|pd)$")),
    ("fp_mul", re.compile(r"^v?mul(ss|sd|ps|pd)$")),
    ("fp_add", re.compile(r"^v?(add|sub|hadd|hsub)(ss|sd|ps|pd)$")),
    ("fp_div", re.compile(r"^v?(div|sqrt|rcp|rsqrt)(ss|sd|ps|pd)$")),
    ("int_mul", re.compile(r"^(imul[bwlq]?|mul[bwlq]?|v?pmul\w*|v?pmadd\w*)$")),
    ("vec_int_add", re.compile(r"^v?p(add|sub)(s|us)?[bwdq]$")),
    ("scalar_int_add", re.compile(r"^(add|sub|inc|dec|adc|sbb)[bwlq]?$")),
]


def lanes(mnemonic, operands):
    width = 512 if "zmm" in operands else 256 if "ymm" in operands else 128 if "xmm" in operands else 64
    if re.match(r"^v?(pmaddubsw|pdpbusds?)$", mnemonic):
        return width // 8
    if re.search(r"(ss|sd)$", mnemonic) and not mnemonic.startswith("vp"):
        return 1
    m = re.search(r"p(add|sub)(s|us)?([bwdq])$", mnemonic)
    if m:
        return width // {"b": 8, "w": 16, "d": 32, "q": 64}[m.group(3)]
    if mnemonic.endswith("ps"):
        return width // 32
    if mnemonic.endswith("pd"):
        return width // 64
    return 1


def write_inputs(path, words, n, m, seed):
    rng = random.Random(seed)
    mag = [abs(1 + rng.gauss(0, 0.6)) for _ in range(words * n)]
    syn = [rng.choice((1.0, -1.0)) for _ in range(words * m)]
    tensors = {"magnitude": ([words, n], mag), "syndrome": ([words, m], syn)}
    header, offset, blobs = {}, 0, []
    for name, (shape, values) in tensors.items():
        blob = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def parse_callgrind(path):
    costs = collections.defaultdict(lambda: collections.defaultdict(int))
    ob, skip, positions = None, False, 1
    with open(path) as f:
        for line in f:
            if line.startswith("positions:"):
                positions = len(line.split()) - 1
            elif line.startswith("ob="):
                ob = line[3:].strip()
            elif line.startswith("calls="):
                skip = True
            elif line.startswith("0x"):
                if skip:
                    skip = False
                    continue
                parts = line.split()
                costs[ob][int(parts[0], 16)] += int(parts[positions])
    return costs


_disassembly = {}


def disassemble(obj):
    if obj not in _disassembly:
        table = {}
        out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", obj], capture_output=True, text=True).stdout
        for line in out.splitlines():
            m = re.match(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$", line)
            if m:
                table[int(m.group(1), 16)] = (m.group(2), m.group(3))
        _disassembly[obj] = table
    return _disassembly[obj]


def classify(costs):
    totals = collections.Counter()
    for obj, addresses in costs.items():
        table = disassemble(obj) if obj and os.path.exists(obj) else {}
        for address, count in addresses.items():
            totals["instructions"] += count
            mnemonic, operands = table.get(address, ("?", ""))
            for name, pattern in CLASSES:
                if pattern.match(mnemonic):
                    totals[name] += count
                    totals[name + "_lanes"] += count * lanes(mnemonic, operands)
                    break
    return totals


def measure(binary, code, weights, n, m, words):
    env = dict(os.environ, OPENBLAS_CORETYPE=os.environ.get("OPENBLAS_CORETYPE", "Haswell"), ECCBENCH_NO_REEXEC="1")
    counts = []
    with tempfile.TemporaryDirectory() as tmp:
        # valgrind 3.19 cannot read the DWARF 5 of Swift 6 binaries: run a copy without debug info (symbols kept)
        stripped = os.path.join(tmp, "eccbench")
        subprocess.run(["objcopy", "--strip-debug", binary, stripped], check=True)
        binary = stripped
        for w in words:
            inputs, out, cg = (os.path.join(tmp, x) for x in (f"in{w}.safetensors", f"out{w}.safetensors", f"cg{w}.out"))
            write_inputs(inputs, w, n, m, seed=w)
            subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=yes", "--dump-line=no", "--compress-pos=no", "--compress-strings=no",
                            f"--callgrind-out-file={cg}", binary, "infer", "--code", code, "--weights", weights,
                            "--inputs", inputs, "--out", out], check=True, env=env, capture_output=True)
            counts.append(classify(parse_callgrind(cg)))
    a, b = counts
    return {k: (b[k] - a[k]) / (words[1] - words[0]) for k in set(a) | set(b)}


def estimate(arch, n, m, layers, d, pairs, zero_fraction):
    """Operations per word from the shapes (the papers' way of counting)."""
    L = n + m
    linear_macs = layers * L * 12 * d * d
    attention_macs = layers * 2 * pairs * d * (0.5 if arch == "aecct" else 1)  # HPSA: each pair in one ring's heads
    other_macs = L * d + L * d + L * n  # embedding, per-token head, mixing head
    if arch == "ecct":
        mul = add = linear_macs + attention_macs + other_macs
        energy = mul * HORowitz_45NM["fp32_mul"] + add * HORowitz_45NM["fp32_add"]
        energy7 = mul * JOUPPI_7NM["fp32_mul"] + add * JOUPPI_7NM["fp32_add"]
        return {"fp32 multiplies": mul, "fp32 adds": add, "int32 adds": 0, "pJ (45 nm)": energy, "pJ (7 nm)": energy7}
    int_adds = linear_macs * (1 - zero_fraction)
    rescale = layers * L * 9 * d  # one multiply per output of Q, K, V, out, W1, W2
    mul = attention_macs + other_macs + rescale
    add = attention_macs + other_macs
    energy = mul * HORowitz_45NM["fp32_mul"] + add * HORowitz_45NM["fp32_add"] + int_adds * HORowitz_45NM["int32_add"]
    energy7 = mul * JOUPPI_7NM["fp32_mul"] + add * JOUPPI_7NM["fp32_add"] + int_adds * JOUPPI_7NM["int8_add"]
    return {"fp32 multiplies": mul, "fp32 adds": add, "int32 adds": int_adds, "pJ (45 nm)": energy, "pJ (7 nm)": energy7}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    models = os.path.join(root, "Sources/ECCT/Models")
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--code", default="BCH-63-45")
    p.add_argument("--ecct", default=os.path.join(models, "BCH-63-45_N2_d32.safetensors"))
    p.add_argument("--aecct", default=os.path.join(models, "BCH-63-45_AECCT_N2_d32.safetensors"))
    p.add_argument("--words", default="32,160")
    p.add_argument("--n", type=int, default=63)
    p.add_argument("--m", type=int, default=18)
    p.add_argument("--pairs", type=int, default=4191, help="allowed (query, key) pairs of the ECCT mask")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--dim", type=int, default=32)
    args = p.parse_args()
    words = [int(w) for w in args.words.split(",")]
    print(f"{args.code}, N = {args.layers}, d = {args.dim}: per decoded word (difference of {words[1]} and {words[0]} words), "
          f"OpenBLAS core {os.environ.get('OPENBLAS_CORETYPE', 'Haswell')}")
    rows = [("instructions", "all executed"), ("fp_mul", "fp multiplies"), ("fma", "FMAs (multiply + add)"),
            ("fp_add", "fp adds/subtracts"), ("fp_div", "fp divides/sqrt/reciprocals"),
            ("int8_dot", "byte multiply-adds (ternary kernels)"), ("int_mul", "other integer multiplies"),
            ("vec_int_add", "vector integer adds/subtracts"), ("scalar_int_add", "scalar integer adds (incl. loops)")]
    results = {}
    for name, path in (("ecct", args.ecct), ("aecct", args.aecct)):
        if not os.path.exists(path):
            print(f"{name}: {path} does not exist; skipped")
            continue
        results[name] = measure(args.binary, args.code, path, args.n, args.m, words)
    print(f"{'measured (callgrind)':44s}" + "".join(f"{k:>22s}" for k in results))
    for key, label in rows:
        cells = []
        for k in results:
            r = results[k]
            lanes_note = f" ({r.get(key + '_lanes', 0):,.0f} lanes)" if key not in ("instructions",) else ""
            cells.append(f"{r.get(key, 0):,.0f}{lanes_note}")
        print(f"{label:44s}" + "".join(f"{c:>22s}" for c in cells))
    print("\npaper-style estimate (shapes; 45 nm: Horowitz ISSCC 2014; 7 nm: Jouppi et al. ISCA 2021, ternary adds as int8)")
    estimates = {arch: estimate(arch, args.n, args.m, args.layers, args.dim, args.pairs, zero_fraction=0.22)
                 for arch in ("ecct", "aecct")}
    for arch, e in estimates.items():
        print(f"  {arch:6s} " + ", ".join(f"{k} {v:,.0f}" for k, v in e.items()))
    for node in ("45 nm", "7 nm"):
        ratio = estimates["ecct"][f"pJ ({node})"] / estimates["aecct"][f"pJ ({node})"]
        print(f"  arithmetic energy ecct / aecct at {node}: {ratio:.2f}×")
    if len(results) == 2:
        print("\nthe measured lanes priced at 45 nm (Horowitz): fp multiply and divide lanes 3.7 pJ, FMA lanes 3.7 + 0.9,")
        print("fp add lanes 0.9, byte multiply-add lanes 0.2 + 0.03 (int8 multiply + add), vector integer add lanes 0.1")
        print("(as int32; many are int16), other integer multiplies 3.1; scalar loop and address adds left out")
        energy = {k: measured_energy(r) for k, r in results.items()}
        for k, e in energy.items():
            print(f"  {k:6s} {e:,.0f} pJ per word")
        print(f"  measured-lane energy ecct / aecct at 45 nm: {energy['ecct'] / energy['aecct']:.2f}×")


def measured_energy(r):
    """pJ per word at 45 nm from the measured lanes (the prices printed above)."""
    h = HORowitz_45NM
    return ((r.get("fp_mul_lanes", 0) + r.get("fp_div_lanes", 0)) * h["fp32_mul"]
            + r.get("fma_lanes", 0) * (h["fp32_mul"] + h["fp32_add"]) + r.get("fp_add_lanes", 0) * h["fp32_add"]
            + r.get("int8_dot_lanes", 0) * (h["int8_mul"] + h["int8_add"])
            + r.get("vec_int_add_lanes", 0) * h["int32_add"] + r.get("int_mul", 0) * h["int32_mul"])


if __name__ == "__main__":
    main()
