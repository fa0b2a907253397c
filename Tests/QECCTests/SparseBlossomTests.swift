import Base
import GF2
import TestSupport
import XCTest

@testable import QECC

/// Sparse blossom (mwpm's default) against its reference twin, the priced blossom on the defects' complete graph:
/// equal matching weight on every shot, and corrections with the observed syndrome, on codes with and without a
/// boundary, one round and many, every noise, up to high p (large trees, nested blossoms), and on circuit DEMs.
final class SparseBlossomTests: XCTestCase {
    var formed = 0, shattered = 0

    func compare(problem: DecodingProblem, p: Double, q: Double? = nil, shots: Int, seed: UInt64) throws {
        let sparse = try MatchingDecoder(problem: problem, p: p, q: q)
        XCTAssertEqual(sparse.algorithm, .sparseBlossom)
        let reference = sparse.using(.completeGraph)
        let sampler = try NoiseSampler(problem: problem, p: p, q: q)
        var rng = SeededRNG(seed: seed)
        let (errors, detections) = sampler.sample(count: shots, rng: &rng)
        let N = problem.errorLength, D = problem.rounds * problem.syndromeLength, H = problem.checkMatrix
        var mismatches = 0, perfect = 0, events = 0
        var blossoms = sparse.sparseGraphs.map { SparseBlossom(graph: $0) }
        for s in 0..<shots {
            // Each half solved directly (no fallback to the reference): a perfect matching every time.
            for (h, half) in problem.halfLayout.halves.enumerated() {
                var defects: [Int] = []
                for t in 0..<problem.rounds {
                    for c in 0..<half.rows
                    where detections[s * D + t * problem.syndromeLength + half.syndromeOffset + c] != 0 {
                        defects.append(t * half.rows + c)
                    }
                }
                events += defects.count
                if blossoms[h].solve(events: defects) { perfect += 1 }
            }
            let d = Array(detections[(s * D)..<((s + 1) * D)])
            let a = sparse.decodeShot(detections: d), b = reference.decodeShot(detections: d)
            if a.weight != b.weight {
                mismatches += 1
                if mismatches <= 3 {
                    XCTFail("\(problem.code.name) T = \(problem.rounds) p = \(p) shot \(s): \(a.weight) vs \(b.weight)")
                }
            }
            if H.multiply(BitVector(bits: a.correction)) != H.multiply(BitVector(bits: errors[(s * N)..<((s + 1) * N)]))
            {
                XCTFail("\(problem.code.name) shot \(s): the correction's syndrome is not the final syndrome")
            }
        }
        XCTAssertEqual(mismatches, 0, "\(problem.code.name) T = \(problem.rounds) p = \(p): weight mismatches")
        formed += blossoms.map(\.blossomsFormed).reduce(0, +)
        shattered += blossoms.map(\.blossomsShattered).reduce(0, +)
        XCTAssertEqual(perfect, shots * problem.halfLayout.halves.count, "\(problem.code.name): perfect matchings")
        XCTAssertGreaterThan(events, shots / 2, "\(problem.code.name) p = \(p): detection events")
    }

    func testEqualWeightsOnCodeCapacityNoise() throws {
        for name in ["toric-4", "toric-7", "surface-5", "planar-6"] {
            for noise in [PauliNoise.independent, .depolarizing] {
                let problem = try DecodingProblem(code: try QuantumCatalog.code(named: name), noise: noise)
                for (i, p) in [0.02, 0.08, 0.15, 0.25].enumerated() {
                    try compare(problem: problem, p: p, shots: 300, seed: UInt64(10 + i))
                }
            }
        }
        print("blossoms formed \(formed), shattered while inner \(shattered)")
        XCTAssertGreaterThan(formed, 1000)
        XCTAssertGreaterThan(shattered, 10)
    }

    func testEqualWeightsOnRepeatedRounds() throws {
        for (name, rounds) in [("toric-5", 5), ("surface-5", 4), ("planar-4", 6)] {
            let problem = try DecodingProblem(
                code: try QuantumCatalog.code(named: name), noise: .depolarizing, rounds: rounds)
            for (i, p) in [0.01, 0.03, 0.06].enumerated() {
                try compare(problem: problem, p: p, q: p, shots: 200, seed: UInt64(20 + i))
                try compare(problem: problem, p: p, q: 2 * p, shots: 100, seed: UInt64(30 + i))
            }
        }
    }

    /// Circuit DEMs (graphlike, weights from priors, parallel edges merged): equal weights at the fixture's noise
    /// and with priors scaled up 4× (denser events, more blossoms).
    func testEqualWeightsOnCircuitModels() throws {
        for name in ["surface-d3-r3", "surface-d5-r5", "repetition-d5-r5"] {
            let base = try DetectorErrorModel(contentsOf: TestResources.path("dem/\(name).dem"))
            for scale in [1.0, 4.0] {
                let dem = try base.scalingPriors(by: scale)
                let sparse = try DetectorErrorModelDecoder("mwpm", model: dem)
                let reference = try DetectorErrorModelDecoder.matching(model: dem, algorithm: .completeGraph)
                let sampler = DetectorErrorModelSampler(model: dem)
                var rng = SeededRNG(seed: 41)
                let shots = 200, D = dem.detectorCount
                let events = sampler.sample(count: shots, rng: &rng).events
                for s in 0..<shots {
                    let shot = Array(events[(s * D)..<((s + 1) * D)])
                    let a = sparse.correction(events: shot), b = reference.correction(events: shot)
                    let wa = a.reduce(0) { $0 + sparse.edgeWeight($1) },
                        wb = b.reduce(0) { $0 + reference.edgeWeight($1) }
                    XCTAssertEqual(wa, wb, "\(name) ×\(scale) shot \(s)")
                }
            }
        }
    }
}

/// Belief-matching: valid corrections (the observed syndrome on both halves), every single error corrected, and fewer
/// logical failures than mwpm on the same depolarising shots (BP sees the Y correlations matching ignores).
final class BeliefMatchingTests: XCTestCase {
    func testCorrectionsHaveTheSyndromeAndBeatMatching() throws {
        let problem = try DecodingProblem(code: try CSSCode.toric(6), noise: .depolarizing)
        let p = 0.1
        let bpm = try BeliefMatchingDecoder(problem: problem, p: p)
        let mwpm = try MatchingDecoder(problem: problem, p: p)
        let sampler = try NoiseSampler(problem: problem, p: p)
        var rng = SeededRNG(seed: 17)
        let shots = 2000, N = problem.errorLength, M = problem.syndromeLength, H = problem.checkMatrix
        let (errors, detections) = sampler.sample(count: shots, rng: &rng)
        let ours = bpm.decode(detections: detections, count: shots, errorLength: N)
        let theirs = mwpm.decode(detections: detections, count: shots, errorLength: N)
        var failures = (bpm: 0, mwpm: 0)
        for s in 0..<shots {
            let c = Array(ours[(s * N)..<((s + 1) * N)]), e = Array(errors[(s * N)..<((s + 1) * N)])
            XCTAssertEqual(H.multiply(BitVector(bits: c)).bits, Array(detections[(s * M)..<((s + 1) * M)]), "shot \(s)")
            if NoiseSampler.logicalFailure(error: e, correction: c, logicalSupports: problem.logicalSupports) {
                failures.bpm += 1
            }
            let m = Array(theirs[(s * N)..<((s + 1) * N)])
            if NoiseSampler.logicalFailure(error: e, correction: m, logicalSupports: problem.logicalSupports) {
                failures.mwpm += 1
            }
        }
        print("toric-6 depolarizing p = 0.1, 2000 shots: bpm \(failures.bpm), mwpm \(failures.mwpm) failures")
        // About 6% against 17% (20,000 shots); 2,000 shots put the counts ~125 and ~340, each within ±40 at 3σ.
        XCTAssertLessThan(Double(failures.bpm), 0.6 * Double(failures.mwpm))
        for j in 0..<N {
            var e = BitVector(count: N)
            e[j] = true
            let c = bpm.decode(detections: H.multiply(e).bits, count: 1, errorLength: N)
            XCTAssertFalse(
                NoiseSampler.logicalFailure(error: e.bits, correction: c, logicalSupports: problem.logicalSupports),
                "single error on bit \(j)")
        }
        XCTAssertThrowsError(
            try BeliefMatchingDecoder(
                problem: try DecodingProblem(code: try CSSCode.toric(4), noise: .depolarizing, rounds: 2), p: 0.05)
        ) { XCTAssertTrue("\($0)".contains("one measurement round"), "\($0)") }
    }
}

extension BeliefMatchingTests {
    /// On a circuit DEM (d = 5, priors doubled): bpm predicts fewer logical flips wrongly than mwpm on the same
    /// sampled shots (≈ 6.5% against 8.3% at 20,000 shots; 3,000 shots put the paired difference many σ apart).
    func testBeliefMatchingOnACircuitModel() throws {
        let dem = try DetectorErrorModel(contentsOf: TestResources.path("dem/surface-d5-r5.dem")).scalingPriors(by: 2)
        let bpm = try DetectorErrorModelDecoder("bpm", model: dem)
        let mwpm = try DetectorErrorModelDecoder("mwpm", model: dem)
        var rng = SeededRNG(seed: 23)
        let shots = 3000, O = dem.observableCount
        let (events, flips) = DetectorErrorModelSampler(model: dem).sample(count: shots, rng: &rng)
        let a = bpm.decode(events: events, count: shots), b = mwpm.decode(events: events, count: shots)
        var failures = (bpm: 0, mwpm: 0)
        for s in 0..<shots {
            let truth = flips[(s * O)..<((s + 1) * O)]
            if a[(s * O)..<((s + 1) * O)] != truth { failures.bpm += 1 }
            if b[(s * O)..<((s + 1) * O)] != truth { failures.mwpm += 1 }
        }
        print("surface-d5-r5 ×2, 3000 shots: bpm \(failures.bpm), mwpm \(failures.mwpm) failures")
        XCTAssertLessThan(failures.bpm, failures.mwpm)
        XCTAssertGreaterThan(failures.bpm, 100)
        XCTAssertThrowsError(
            try DetectorErrorModelDecoder(
                "bpm", model: try DetectorErrorModel(text: "error(0.1) D0 D1 D2\n", source: "hyper.dem"))
        ) {
            XCTAssertTrue("\($0)".contains("hyper.dem:1"), "\($0)")
        }
    }
}
