import Base
import Channels
import Codes
import Foundation
import GF2
import Neural

// eccbench-benchmarks: throughput of the classical core, with the `ldpc` Python package as the BP peer.
// Run: swift run -c release eccbench-benchmarks [--quick] [--only SECTION]

let sections = [
    "gf2", "gaussian", "bp", "osd", "lbp", "peer", "ordered-osd", "train", "infer", "aecct", "qecc", "qecc-dem",
    "learned", "mpi",
]
let usage = """
    eccbench-benchmarks: throughput of the kernels, decoders and models, beside the installed peers (ldpc, torch,
    pymatching), with the goal printed beside each row. Machines are noisy: run it a few times and quote ranges.

    USAGE: eccbench-benchmarks [--quick] [--only SECTION]
      --quick          fewer repetitions and smaller sizes (a minute or two)
      --only SECTION   the sections whose name contains SECTION: \(sections.joined(separator: ", "))
      -h, --help       this help
    """
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--rank-step" {  // one rank of the mpi section's training rows
    OpenBLASCore.ensureCoreType()
    GEMM.useSingleThreadedBLAS()
    try ScaleOutBenchmark.rankStep(Array(arguments.dropFirst()))
    exit(0)
}
if arguments.contains("-h") || arguments.contains("--help") {
    print(usage)
    exit(0)
}
/// `--only NAME`: the sections whose name contains NAME; an unknown argument or section is refused (exit 64).
func parseOnly(_ arguments: [String]) -> String? {
    var i = 0, only: String?
    while i < arguments.count {
        switch arguments[i] {
        case "--quick": break
        case "--only" where i + 1 < arguments.count:
            i += 1
            let name = arguments[i]
            guard sections.contains(where: { $0.contains(name) }) else {
                FileHandle.standardError.write(
                    Data(
                        "Error: --only '\(name)' names no section; sections: \(sections.joined(separator: ", "))\n".utf8
                    ))
                exit(64)
            }
            only = name
        default:
            FileHandle.standardError.write(Data("Error: unknown argument '\(arguments[i])'\n\n\(usage)\n".utf8))
            exit(64)
        }
        i += 1
    }
    return only
}
let only = parseOnly(arguments)
OpenBLASCore.ensureCoreType()
GEMM.useSingleThreadedBLAS()
let quick = arguments.contains("--quick")
func enabled(_ section: String) -> Bool { only.map { section.contains($0) } ?? true }
let cores = ProcessInfo.processInfo.activeProcessorCount
print(
    "eccbench benchmarks (\(cores) cores\(quick ? ", quick" : ""); OpenBLAS core \(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "auto")"
        + "; neural kernels \(KernelPath.best.rawValue), ECCBENCH_KERNELS=portable for the Swift SIMD8 twins)")

/// Random codewords and their AWGN LLRs.
func makeFrames(_ code: LinearCode, count: Int, ebn0: Double, seed: UInt64) -> (bits: [UInt8], llr: [Float]) {
    var config = MonteCarloConfig()
    config.seed = seed
    var rng = SeededRNG(seed: seed)
    var bits = [UInt8](repeating: 0, count: count * code.n)
    for f in 0..<count {
        let u = BitVector(bits: (0..<code.k).map { _ in UInt8(rng.next() & 1) })
        let c = code.encode(u)
        for j in 0..<code.n where c[j] { bits[f * code.n + j] = 1 }
    }
    var llr = [Float](repeating: 0, count: bits.count)
    let ch = Channel(model: .awgn, parameter: ebn0, rate: code.rate)
    bits.withUnsafeBufferPointer { b in llr.withUnsafeMutableBufferPointer { ch.transmit(b, into: $0, rng: &rng) } }
    return (bits, llr)
}

/// Frames/s of a decoder on one thread and on all cores (frames split evenly).
func decoderThroughput(_ decoder: any Decoder, code: LinearCode, llr: [Float]) -> (single: Double, all: Double) {
    let n = code.n, frames = llr.count / n
    var out = [UInt8](repeating: 0, count: llr.count)
    let single = Harness.time {
        llr.withUnsafeBufferPointer { l in
            out.withUnsafeMutableBufferPointer { decoder.decode(llr: l, count: frames, into: $0) }
        }
    }
    let chunk = (frames + cores - 1) / cores
    let all = Harness.time {
        llr.withUnsafeBufferPointer { l in
            out.withUnsafeMutableBufferPointer { o in
                let shared = SharedBuffers(input: l, output: o)
                DispatchQueue.concurrentPerform(iterations: cores) { w in
                    let a = w * chunk, b = min(frames, a + chunk)
                    guard a < b else { return }
                    decoder.decode(
                        llr: UnsafeBufferPointer(rebasing: shared.input[(a * n)..<(b * n)]), count: b - a,
                        into: UnsafeMutableBufferPointer(rebasing: shared.output[(a * n)..<(b * n)]))
                }
            }
        }
    }
    return (Double(frames) / single, Double(frames) / all)
}

// 1. GF(2) rank
if enabled("gf2") {
    var rng = SeededRNG(seed: 1)
    let A = BitMatrix.random(rows: 1024, columns: 2048, using: &rng)
    var r = 0
    let t = Harness.time { r = A.rank }
    Harness.report("GF2 rank, random 1024×2048 (rank \(r))", t * 1e3, "ms")
}

// 2. Gaussian generator, one thread
if enabled("gaussian") {
    let count = quick ? 1 << 22 : 1 << 25
    var buffer = [Float](repeating: 0, count: count)
    var rates: [(KernelPath, Double)] = []
    for path in KernelPath.runnableCases where path != .reference {
        var gen = GaussianGenerator(seed: 3)
        let t = Harness.time { gen.fill(&buffer, kernels: path) }
        rates.append((path, Double(count) / t))
    }
    var rng = SeededRNG(seed: 4)
    let refCount = count / 16
    var sink: Float = 0
    let tr = Harness.time {
        for _ in 0..<(refCount / 2) {
            let (a, b) = GaussianGenerator.reference(u1: 1 - rng.nextFloat(), v: rng.nextFloat() - 0.5)
            sink += a + b
        }
    }
    let scalar = Double(refCount) / tr
    for (path, rate) in rates {
        Harness.report(
            "Gaussian N(0,1), Box–Muller, \(path.rawValue) path, 1 thread", rate / 1e6, "M samples/s",
            String(
                format: "%.1f× the scalar libm twin (%.1f M/s); target 200 M/s (AFF3CT)%@", rate / scalar, scalar / 1e6,
                sink == 0 ? " " : ""))
    }
}

// 3. Decoders
let bch = try Catalog.code(named: "BCH-63-45")
let frameCount = quick ? 4_000 : 20_000
var bchFrames: [Double: (bits: [UInt8], llr: [Float])] = [:]
for ebn0 in [4.0, 6.0] where enabled("bp") || enabled("peer") {
    let frames = makeFrames(bch, count: frameCount, ebn0: ebn0, seed: 10 + UInt64(ebn0))
    bchFrames[ebn0] = frames
    guard enabled("bp") else { continue }
    let bp = try DecoderRegistry.make("bp50", code: bch)
    let (s, a) = decoderThroughput(bp, code: bch, llr: frames.llr)
    Harness.report("bp50 BCH-63-45 @ \(Int(ebn0)) dB, 1 thread", s, "frames/s")
    Harness.report(
        "bp50 BCH-63-45 @ \(Int(ebn0)) dB, \(cores) threads", a, "frames/s", String(format: "%.2f× one thread", a / s))
}
if enabled("osd") {
    let osd = try DecoderRegistry.make("osd2", code: bch)
    let frames = makeFrames(bch, count: frameCount / 2, ebn0: 4, seed: 21)
    let (s, a) = decoderThroughput(osd, code: bch, llr: frames.llr)
    Harness.report("osd2 BCH-63-45 @ 4 dB, 1 thread", s, "frames/s")
    Harness.report("osd2 BCH-63-45 @ 4 dB, \(cores) threads", a, "frames/s")
}
if enabled("lbp") {
    let ccsds = try Catalog.code(named: "CCSDS-128-64")
    let frames = makeFrames(ccsds, count: frameCount / 2, ebn0: 2, seed: 31)
    let lbp = try DecoderRegistry.make("lbp50", code: ccsds)
    let (s, a) = decoderThroughput(lbp, code: ccsds, llr: frames.llr)
    Harness.report("lbp50 CCSDS-128-64 @ 2 dB, 1 thread", s, "frames/s")
    Harness.report("lbp50 CCSDS-128-64 @ 2 dB, \(cores) threads", a, "frames/s")
}

// 4. Peer: the ldpc package's product-sum BP, 50 iterations, on the same BCH-63-45 frames.
let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("peers/ldpc_bp.py").path
if !enabled("peer") {
} else if Harness.shell(["python3", "-c", "import ldpc"]) == nil {
    print("peer: the ldpc Python package is not installed (pip install ldpc) — peer comparison skipped")
} else {
    let dir = try Harness.scratchDirectory("eccbench-bench")
    defer { try? FileManager.default.removeItem(at: dir) }
    let hPath = dir.appendingPathComponent("H.txt").path
    try CodeFiles.writeAtomically(CodeFiles.denseText(bch.H), to: hPath)
    let bp = try DecoderRegistry.make("bp50", code: bch)
    for ebn0 in [4.0, 6.0] {
        let frames = bchFrames[ebn0]!
        let llrPath = dir.appendingPathComponent("llr-\(Int(ebn0)).f32").path
        try frames.llr.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: llrPath)) }
        try Data(frames.bits).write(to: URL(fileURLWithPath: llrPath + ".bits"))
        guard let line = Harness.shell(["python3", script, hPath, llrPath, String(bch.n), "50"]) else {
            print("peer: ldpc_bp.py failed"); continue
        }
        let fields = line.split(separator: " ").compactMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard fields.count == 4 else { print("peer: unexpected output '\(line)'"); continue }
        let peerRate = fields[0] / fields[1]
        let (s, a) = decoderThroughput(bp, code: bch, llr: frames.llr)
        let ours = bp.decode(llr: frames.llr, n: bch.n)
        let ourFE = (0..<frameCount).filter { f in
            (0..<bch.n).contains { ours[f * bch.n + $0] != frames.bits[f * bch.n + $0] }
        }.count
        Harness.report(
            "peer ldpc BpDecoder product_sum 50 @ \(Int(ebn0)) dB", peerRate, "frames/s",
            String(
                format: "ours %.1f× (1 thread), %.1f× (%d threads); frame errors ldpc %d vs ours %d of %d",
                s / peerRate, a / peerRate, cores, Int(fields[2]), ourFE, frameCount))
    }
    try? FileManager.default.removeItem(at: dir)
}

// 4b. OSD ordered by the ECCT on CCSDS-128-64, with ldpc's BpOsdDecoder as the peer.
if enabled("ordered-osd") {
    try OrderedOSDBenchmark.run(
        quick: quick,
        script: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("peers/ldpc_bp.py").path)
}

// 5. Neural engine: training step of an ECCT-shaped model, and ECCT inference, with PyTorch as the peer.
let torchScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("peers/torch_ecct_step.py").path
if enabled("train") { try TrainingBenchmark.run(quick: quick, script: torchScript) }
if enabled("infer") { try InferenceBenchmark.run(quick: quick, script: torchScript) }
// 6. AECCT: decoding beside the ECCT of the same size, and the ternary integer linear against sgemm.
if enabled("aecct") { try AECCTBenchmark.run(quick: quick) }
// 7. Quantum codes: matching and Union-Find µs per shot beside PyMatching 2, and the noise sampler.
if enabled("qecc") { try QECCBenchmark.run(quick: quick) }
if enabled("qecc-dem") { try QECCBenchmark.detectorErrorModels(quick: quick) }
// 8. Learned codes: the joint code + DC-ECCT training step beside a PyTorch model of the same shape.
if enabled("learned") {
    try LearnedCodeBenchmark.run(
        quick: quick,
        script: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("peers/torch_learned_code_step.py").path)
}
// 9. Scale-out: ranks against threads (training and Monte Carlo) and the gather's share of a training step.
if enabled("mpi") { ScaleOutBenchmark.run(quick: quick) }
