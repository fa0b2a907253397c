import Base
import Foundation
import GF2
import QECC

/// Section `qecc`: µs per shot of mwpm and uf on one thread, on the same detection events as PyMatching 2 (run in
/// the same process tree when installed), toric code capacity at p = 0.05 and 0.1 and the space-time graph T = L
/// at p = 0.03; and the sampler's qubit-error draws per second per thread.
enum QECCBenchmark {
    static func dense(_ m: BitMatrix) -> String {
        (0..<m.rows).map { r in (0..<m.columns).map { m[r, $0] ? "1" : "0" }.joined(separator: " ") }.joined(
            separator: "\n") + "\n"
    }

    static func run(quick: Bool) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("peers/pymatching_decode.py").path
        let havePeer = Harness.shell(["python3", "-c", "import pymatching"]) != nil
        if !havePeer { print("qecc: pymatching is not installed (pip install pymatching) — peer comparison skipped") }
        let dir = try Harness.scratchDirectory("eccbench-qecc")
        defer { try? FileManager.default.removeItem(at: dir) }

        // Sampler throughput: depolarising draws on toric-12, one thread.
        do {
            let problem = try DecodingProblem(code: try CSSCode.toric(12), noise: .depolarizing)
            let sampler = try NoiseSampler(problem: problem, p: 0.1)
            let shots = quick ? 2000 : 20_000
            var e = [UInt8](repeating: 0, count: shots * problem.errorLength)
            var d = [UInt8](repeating: 0, count: shots * problem.syndromeLength)
            var rng = SeededRNG(seed: 1)
            let t = Harness.time {
                e.withUnsafeMutableBufferPointer { eb in
                    d.withUnsafeMutableBufferPointer {
                        sampler.sample(count: shots, rng: &rng, errors: eb, detections: $0)
                    }
                }
            }
            Harness.report(
                "qecc sampler depolarizing toric-12 p=0.1, 1 thread", Double(shots * problem.code.n) / t / 1e6,
                "M qubit draws/s", "syndromes included")
        }

        // Issue 31's rows carry its goals: mwpm ≤ 1.0× PyMatching, uf ≥ 3× faster than mwpm.
        var settings: [(L: Int, rounds: Int, p: Double, noise: PauliNoise)] = []
        for L in stride(from: 4, through: 12, by: 2) {
            settings += [(L, 1, 0.05, .independent), (L, 1, 0.1, .independent)]
        }
        for L in quick ? [6] : [10, 12] { settings += [(L, 1, 0.05, .depolarizing), (L, 1, 0.1, .depolarizing)] }
        for L in stride(from: 4, through: quick ? 6 : 10, by: 2) { settings.append((L, L, 0.03, .independent)) }
        for (L, rounds, p, noise) in settings {
            let problem = try DecodingProblem(code: try CSSCode.toric(L), noise: noise, rounds: rounds)
            let shots = quick ? 500 : (rounds > 1 ? max(400, 40_000 / (L * L)) : 20_000)
            let sampler = try NoiseSampler(problem: problem, p: p)
            let N = problem.errorLength, D = rounds * problem.syndromeLength
            var errors = [UInt8](repeating: 0, count: shots * N), detections = [UInt8](repeating: 0, count: shots * D)
            var rng = SeededRNG(seed: 7)
            errors.withUnsafeMutableBufferPointer { e in
                detections.withUnsafeMutableBufferPointer {
                    sampler.sample(count: shots, rng: &rng, errors: e, detections: $0)
                }
            }
            var corrections = errors
            var perShot: [String: Double] = [:]
            for decoder in [
                try MatchingDecoder(problem: problem, p: p) as any QuantumDecoder,
                try UnionFindDecoder(problem: problem, p: p),
            ] {
                let t = Harness.time(repeats: 3) {
                    detections.withUnsafeBufferPointer { d in
                        corrections.withUnsafeMutableBufferPointer {
                            decoder.decode(detections: d, count: shots, into: $0)
                        }
                    }
                }
                perShot[decoder.name] = t / Double(shots) * 1e6
            }
            let goals = (L >= 10 && rounds == 1) || (L >= 8 && rounds > 1)
            let label =
                "qecc toric-\(L) " + (noise == .depolarizing ? "depolarizing " : "")
                + (rounds > 1 ? "T=\(rounds) " : "")
                + "p=\(p)"
            var note = String(
                format: "uf %.2f µs (mwpm/uf %.1f×%@)", perShot["uf"]!, perShot["mwpm"]! / perShot["uf"]!,
                goals ? ", goal ≥ 3×" : "")
            if havePeer {
                if let peer = try pyMatchingSeconds(
                    problem: problem, p: p, detections: detections, errors: errors, shots: shots, script: script,
                    dir: dir)
                {
                    let their = peer / Double(shots) * 1e6
                    note += String(
                        format: "; PyMatching %.2f µs (mwpm/PyMatching %.2f×%@)", their, perShot["mwpm"]! / their,
                        goals ? ", goal ≤ 1.0×" : "")
                } else {
                    note += "; PyMatching run failed"
                }
            }
            Harness.report(label + " mwpm, 1 thread", perShot["mwpm"]!, "µs/shot", note)
        }
    }

    /// PyMatching 2's `decode_batch` seconds on the same detection events, each CSS half on its own graph (the two
    /// halves' times added), nil when the peer fails.
    static func pyMatchingSeconds(
        problem: DecodingProblem, p: Double, detections: [UInt8], errors: [UInt8], shots: Int, script: String,
        dir: URL
    ) throws -> Double? {
        let T = problem.rounds, M = problem.syndromeLength, N = problem.errorLength
        var total = 0.0
        for half in problem.halves {
            let m = half.checks.rows, n = half.checks.columns
            var det = [UInt8](repeating: 0, count: shots * T * m), err = [UInt8](repeating: 0, count: shots * n)
            for s in 0..<shots {
                for t in 0..<T {
                    for c in 0..<m { det[(s * T + t) * m + c] = detections[(s * T + t) * M + half.syndromeOffset + c] }
                }
                for j in 0..<n { err[s * n + j] = errors[s * N + half.errorOffset + j] }
            }
            let files = ["H.txt": dense(half.checks), "L.txt": dense(half.logicals)]
            for (name, text) in files {
                try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
            try Data(det).write(to: dir.appendingPathComponent("det.u8"))
            try Data(err).write(to: dir.appendingPathComponent("err.u8"))
            let marginal = problem.marginalFlipProbability(p)
            let args =
                ["python3", script]
                + ["H.txt", "L.txt", "det.u8", "err.u8"].map { dir.appendingPathComponent($0).path }
                + [String(T), String(marginal), String(p)]
            guard let out = Harness.shell(args), let fields = out.split(separator: "\n").last?.split(separator: " "),
                fields.count == 3, let seconds = Double(fields[2])
            else { return nil }
            total += seconds
        }
        return total
    }

    /// Section `qecc-dem` (`--only qecc` runs both): Stim circuits' detector error models: rotated surface-code
    /// memory circuits d = 5, 7, 9 (d rounds) at p = 0.001
    /// and 0.005 generated and sampled by Stim when it is installed (else the committed fixtures d = 3, 5, 7 at 0.005
    /// with our sampler, no peer). Rows: mwpm and uf µs per shot in process (one thread; shots as bytes, and
    /// bit-packed against PyMatching's `bit_packed_shots`), the whole
    /// `eccbench qec decode` process against PyMatching 2's whole process (`pymatching_dem.py`: Python start, DEM
    /// load, decode_batch, write) and its decode_batch alone (goals for issue 31: mwpm ≤ 1.0× PyMatching, uf ≥ 3×
    /// faster than mwpm).
    static func detectorErrorModels(quick: Bool) throws {
        let dir = try Harness.scratchDirectory("eccbench-qecc-dem")
        defer { try? FileManager.default.removeItem(at: dir) }
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let fixtures = here.deletingLastPathComponent().appendingPathComponent("Tests/TestSupport/Resources/dem")
        let peer = here.appendingPathComponent("peers/pymatching_dem.py").path
        let generator = here.appendingPathComponent("peers/stim_circuit.py").path
        let havePeer = Harness.shell(["python3", "-c", "import pymatching, stim"]) != nil
        let eccbench = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("eccbench").path
        let haveCommand = FileManager.default.isExecutableFile(atPath: eccbench)
        if !havePeer { print("qecc DEM: stim and pymatching are not installed — the fixtures, no peer") }
        if !haveCommand { print("qecc DEM: \(eccbench) not built (swift build -c release) — no whole-process rows") }
        let shots = quick ? 2000 : 100_000
        var circuits: [(label: String, dem: String, events: String?)] = []
        if havePeer {
            for d in quick ? [5] : [5, 7, 9] {
                for p in [0.001, 0.005] {
                    let sub = dir.appendingPathComponent("d\(d)-p\(p)")
                    try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
                    guard
                        Harness.shell(["python3", generator, String(d), String(d), String(p), String(shots), sub.path])
                            != nil
                    else {
                        print("qecc DEM: stim_circuit.py failed for d = \(d), p = \(p)")
                        continue
                    }
                    circuits.append(
                        (
                            "surface d=\(d) r=\(d) p=\(p)", sub.appendingPathComponent("circuit.dem").path,
                            sub.appendingPathComponent("events.b8").path
                        ))
                }
            }
        } else {
            for name in ["surface-d3-r3", "surface-d5-r5", "surface-d7-r3"] {
                circuits.append((name + " p=0.005", fixtures.appendingPathComponent("\(name).dem").path, nil))
            }
        }
        for (label, path, eventsPath) in circuits {
            let model = try DetectorErrorModel(contentsOf: path)
            let events: [UInt8]
            if let eventsPath {
                events = try ShotFormat.b8.read(
                    Data(contentsOf: URL(fileURLWithPath: eventsPath)), bitsPerShot: model.detectorCount,
                    source: eventsPath
                ).bits
            } else {
                var rng = SeededRNG(seed: 11)
                events = DetectorErrorModelSampler(model: model).sample(count: shots, rng: &rng).events
            }
            let packed = PackedShots(bits: events, bitsPerShot: model.detectorCount)
            var perShot: [String: Double] = [:], packedPerShot: [String: Double] = [:]
            for decoder in ["mwpm", "uf"] {
                let d = try DetectorErrorModelDecoder(decoder, model: model)
                perShot[decoder] =
                    Harness.time(repeats: 3) { _ = d.decode(events: events, count: shots) } / Double(shots) * 1e6
                packedPerShot[decoder] = Harness.time(repeats: 3) { _ = d.decode(packed: packed) } / Double(shots) * 1e6
            }
            var note = String(
                format: "uf %.2f µs (mwpm/uf %.1f×, goal ≥ 3×)", perShot["uf"]!, perShot["mwpm"]! / perShot["uf"]!)
            var packedNote = String(
                format: "uf %.2f µs (mwpm/uf %.1f×, goal ≥ 3×)", packedPerShot["uf"]!,
                packedPerShot["mwpm"]! / packedPerShot["uf"]!)
            if let eventsPath, havePeer {
                let out = dir.appendingPathComponent("pm.b8").path
                var peerLine: String?
                let theirProcess = Harness.time(repeats: 3) {
                    peerLine = Harness.shell(["python3", peer, path, eventsPath, out])
                }
                let fields = (peerLine ?? "").split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
                if fields.count == 3 {
                    let (their, theirPacked) = (fields[1] / Double(shots) * 1e6, fields[2] / Double(shots) * 1e6)
                    note += String(
                        format: "; PyMatching decode_batch %.2f µs (mwpm/PyMatching %.2f×, goal ≤ 1.0×)", their,
                        perShot["mwpm"]! / their)
                    packedNote += String(
                        format: "; PyMatching decode_batch bit-packed %.2f µs (mwpm/PyMatching %.2f×, goal ≤ 1.0×)",
                        theirPacked, packedPerShot["mwpm"]! / theirPacked)
                }
                if haveCommand {
                    let ours = Harness.time(repeats: 3) {
                        _ = Harness.shell([
                            eccbench, "qec", "decode", "--dem", path, "--in", eventsPath, "--in-format", "b8", "--out",
                            dir.appendingPathComponent("ours.b8").path, "--out-format", "b8", "--decoder", "mwpm",
                            "--threads", "1",
                        ])
                    }
                    note += String(
                        format: "; whole process %.2f s vs PyMatching's %.2f s (%.2f×, goal ≤ 1.0×)", ours,
                        theirProcess,
                        ours / theirProcess)
                }
            }
            Harness.report("qecc DEM \(label) mwpm bit-packed, 1 thread", packedPerShot["mwpm"]!, "µs/shot", packedNote)
            Harness.report("qecc DEM \(label) mwpm, 1 thread", perShot["mwpm"]!, "µs/shot", note)
        }
    }
}
