import Base
import Foundation
import GF2
import QECC
import TestSupport
import XCTest

/// `mwpm` against PyMatching 2 on the same detection events (runs when `pymatching` imports): the matching weight
/// equal on every shot, the logical error rates equal within sampling error (equal-weight matchings may differ).
final class PyMatchingPeerTests: XCTestCase {
    func dense(_ m: BitMatrix) -> String {
        (0..<m.rows).map { r in (0..<m.columns).map { m[r, $0] ? "1" : "0" }.joined(separator: " ") }.joined(
            separator: "\n") + "\n"
    }

    func compare(code name: String, rounds: Int, p: Double, shots: Int) throws {
        let code = try QuantumCatalog.code(named: name)
        let problem = try DecodingProblem(code: code, noise: .independent, rounds: rounds)
        let decoder = try MatchingDecoder(problem: problem, p: p)
        let sampler = try NoiseSampler(problem: problem, p: p)
        var rng = SeededRNG(seed: 17)
        let N = problem.errorLength, D = rounds * problem.syndromeLength
        let (errors, detections) = sampler.sample(count: shots, rng: &rng)
        let dir = temp("pymatching-\(name)-\(rounds)")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try dense(code.hx).write(toFile: dir + "/H.txt", atomically: true, encoding: .utf8)
        try dense(code.logicalX).write(toFile: dir + "/L.txt", atomically: true, encoding: .utf8)
        try Data(detections).write(to: URL(fileURLWithPath: dir + "/det.u8"))
        try Data(errors).write(to: URL(fileURLWithPath: dir + "/err.u8"))
        let script = repositoryPath("Bench/peers/pymatching_decode.py")
        let result = try python(
            [
                script, dir + "/H.txt", dir + "/L.txt", dir + "/det.u8", dir + "/err.u8", String(rounds),
                String(p), String(p), "--weights",
            ], mergeErrors: false)
        XCTAssertEqual(result.status, 0, result.output)
        let lines = result.output.split(separator: "\n")
        XCTAssertEqual(lines.count, shots + 1)
        let unit = Double(decoder.graphs[0].edgeWeight[0])
        var ours = 0, differentWeights = 0
        for s in 0..<shots {
            let (correction, weight) = decoder.decodeShot(detections: Array(detections[(s * D)..<((s + 1) * D)]))
            let peer = try XCTUnwrap(Double(lines[s]))
            if abs(Double(weight) / unit - peer) > 1e-3 { differentWeights += 1 }
            let failed = errors.withUnsafeBufferPointer { e in
                correction.withUnsafeBufferPointer { c in
                    NoiseSampler.logicalFailure(
                        error: e.baseAddress! + s * N, correction: c.baseAddress!,
                        logicalSupports: problem.logicalSupports)
                }
            }
            if failed { ours += 1 }
        }
        XCTAssertEqual(
            differentWeights, 0, "\(name), T = \(rounds): shots whose matching weight differs from PyMatching's")
        let summary = lines.last!.split(separator: " ")
        let theirs = try XCTUnwrap(Int(summary[1]))
        let ler = Double(ours + theirs) / Double(2 * shots)
        let tolerance = 4 * (2 * ler * (1 - ler) / Double(shots)).squareRoot() * Double(shots)
        XCTAssertLessThanOrEqual(
            Double(abs(ours - theirs)), tolerance, "\(name): failures \(ours) (mwpm) vs \(theirs) (PyMatching)")
    }

    func testMatchingWeightsEqualPyMatching() throws {
        guard (try? python(["-c", "import pymatching"]))?.status == 0 else {
            throw XCTSkip("pymatching is not installed (pip install pymatching)")
        }
        try compare(code: "toric-6", rounds: 1, p: 0.1, shots: 2000)
        try compare(code: "surface-5", rounds: 1, p: 0.08, shots: 2000)
        try compare(code: "planar-4", rounds: 1, p: 0.08, shots: 1000)
        try compare(code: "toric-4", rounds: 4, p: 0.03, shots: 1000)
    }
}
