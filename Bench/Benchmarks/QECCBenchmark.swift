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
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eccbench-qecc-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
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

        var settings: [(L: Int, rounds: Int, p: Double)] = []
        for L in stride(from: 4, through: 12, by: 2) { settings += [(L, 1, 0.05), (L, 1, 0.1)] }
        for L in stride(from: 4, through: quick ? 6 : 10, by: 2) { settings.append((L, L, 0.03)) }
        for (L, rounds, p) in settings {
            let problem = try DecodingProblem(code: try CSSCode.toric(L), noise: .independent, rounds: rounds)
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
                let t = Harness.time(repeats: 2) {
                    detections.withUnsafeBufferPointer { d in
                        corrections.withUnsafeMutableBufferPointer {
                            decoder.decode(detections: d, count: shots, into: $0)
                        }
                    }
                }
                perShot[decoder.name] = t / Double(shots) * 1e6
            }
            let label = "qecc toric-\(L) " + (rounds > 1 ? "T=\(rounds) " : "") + "p=\(p)"
            var note = String(format: "uf %.2f µs (mwpm/uf %.1f×)", perShot["uf"]!, perShot["mwpm"]! / perShot["uf"]!)
            if havePeer {
                let files = ["H.txt": dense(problem.code.hx), "L.txt": dense(problem.code.logicalX)]
                for (name, text) in files {
                    try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
                }
                try Data(detections).write(to: dir.appendingPathComponent("det.u8"))
                try Data(errors).write(to: dir.appendingPathComponent("err.u8"))
                let args =
                    ["python3", script]
                    + ["H.txt", "L.txt", "det.u8", "err.u8"].map { dir.appendingPathComponent($0).path }
                    + [String(rounds), String(p), String(p)]
                if let out = Harness.shell(args), let fields = out.split(separator: "\n").last?.split(separator: " "),
                    fields.count == 3, let seconds = Double(fields[2])
                {
                    let peer = seconds / Double(shots) * 1e6
                    note += String(
                        format: "; PyMatching %.2f µs (mwpm/PyMatching %.2f×)", peer, perShot["mwpm"]! / peer)
                } else {
                    note += "; PyMatching run failed"
                }
            }
            Harness.report(label + " mwpm, 1 thread", perShot["mwpm"]!, "µs/shot", note)
        }
        try detectorErrorModels(quick: quick, dir: dir)
    }

    /// Stim circuits' detector error models (the test fixtures: rotated surface codes d = 3, 5, 7 at p = 0.005):
    /// our sampler's shots, mwpm / uf / bposd µs per shot on one thread, PyMatching 2 on the same events (goal for
    /// issue 31: mwpm ≤ 1.0× PyMatching).
    static func detectorErrorModels(quick: Bool, dir: URL) throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/TestSupport/Resources/dem")
        let peer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("peers/pymatching_dem.py").path
        let havePeer = Harness.shell(["python3", "-c", "import pymatching, stim"]) != nil
        for name in ["surface-d3-r3", "surface-d5-r5", "surface-d7-r3"] {
            let path = fixtures.appendingPathComponent("\(name).dem").path
            let model = try DetectorErrorModel(contentsOf: path)
            let shots = quick ? 2000 : 20_000
            var rng = SeededRNG(seed: 11)
            let (events, _) = DetectorErrorModelSampler(model: model).sample(count: shots, rng: &rng)
            var perShot: [String: Double] = [:]
            for decoder in ["mwpm", "uf", "bposd"] {
                let d = try DetectorErrorModelDecoder(decoder, model: model)
                let count = decoder == "bposd" ? shots / 10 : shots
                let t = Harness.time {
                    _ = d.decode(events: Array(events[0..<(count * model.detectorCount)]), count: count)
                }
                perShot[decoder] = t / Double(count) * 1e6
            }
            var note = String(format: "uf %.2f µs, bposd %.0f µs", perShot["uf"]!, perShot["bposd"]!)
            if havePeer {
                let eventsPath = dir.appendingPathComponent("events.b8").path
                try ShotFormat.b8.write(events, bitsPerShot: model.detectorCount).write(
                    to: URL(fileURLWithPath: eventsPath))
                let out = dir.appendingPathComponent("pm.b8").path
                if let line = Harness.shell(["python3", peer, path, eventsPath, out]),
                    let seconds = Double(
                        line.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
                {
                    let their = seconds / Double(shots) * 1e6
                    note += String(
                        format: "; PyMatching %.2f µs (mwpm/PyMatching %.1f×, goal ≤ 1.0×)", their,
                        perShot["mwpm"]! / their)
                } else {
                    note += "; PyMatching run failed"
                }
            }
            Harness.report("qecc DEM \(name) p=0.005 mwpm, 1 thread", perShot["mwpm"]!, "µs/shot", note)
        }
    }
}
