import Base
import GF2
import QECC
import XCTest

final class MatchingDecoderTests: XCTestCase {
    /// The minimum weight of an error with each syndrome of H, over all 2^n errors (Gray-code enumeration).
    func minimumWeights(_ h: BitMatrix) -> [Int] {
        let n = h.columns, m = h.rows
        precondition(n <= 24 && m <= 20)
        let columns = (0..<n).map { c in (0..<m).reduce(0) { $0 | (h[$1, c] ? 1 << $1 : 0) } }
        var best = [Int](repeating: Int.max, count: 1 << m)
        var syndrome = 0, weight = 0, error = 0
        best[0] = 0
        for i in 1..<(1 << n) {
            let bit = i.trailingZeroBitCount
            error ^= 1 << bit; syndrome ^= columns[bit]
            weight += error & (1 << bit) != 0 ? 1 : -1
            best[syndrome] = min(best[syndrome], weight)
        }
        return best
    }

    /// mwpm's matching weight is the minimum weight of an error with the observed syndrome; its correction has that
    /// syndrome; uf's correction has it too.
    func testMatchingIsExactOnSmallCodes() throws {
        for name in ["toric-3", "surface-3", "planar-3", "surface-5"] {
            let code = try QuantumCatalog.code(named: name)
            let problem = try DecodingProblem(code: code, noise: .independent)
            let best = code.n <= 24 ? minimumWeights(code.hx) : nil
            let mwpm = try MatchingDecoder(problem: problem, p: 0.1)
            let uf = try UnionFindDecoder(problem: problem, p: 0.1)
            let unit = mwpm.graphs[0].edgeWeight[0]
            let sampler = try NoiseSampler(problem: problem, p: 0.15)
            var rng = SeededRNG(seed: 3)
            let shots = 300, N = problem.errorLength, M = problem.syndromeLength
            let (_, detections) = sampler.sample(count: shots, rng: &rng)
            let ufCorrections = uf.decode(detections: detections, count: shots, errorLength: N)
            for s in 0..<shots {
                let observed = Array(detections[(s * M)..<((s + 1) * M)])
                let (correction, weight) = mwpm.decodeShot(detections: observed)
                XCTAssertEqual(
                    code.hx.multiply(BitVector(bits: correction)).bits, observed, "\(name) shot \(s): mwpm syndrome")
                XCTAssertEqual(
                    weight, BitVector(bits: correction).weight * unit, "\(name) shot \(s): weight = |correction|")
                if let best {
                    let key = observed.enumerated().reduce(0) { $0 | (Int($1.element) << $1.offset) }
                    XCTAssertEqual(weight / unit, best[key], "\(name) shot \(s): minimum weight")
                }
                let ufCorrection = Array(ufCorrections[(s * N)..<((s + 1) * N)])
                XCTAssertEqual(
                    code.hx.multiply(BitVector(bits: ufCorrection)).bits, observed, "\(name) shot \(s): uf syndrome")
            }
        }
    }

    /// Every error of weight ≤ (d − 1)/2 is corrected, by both decoders, on both halves (depolarising layout).
    func testLowWeightErrorsAreCorrected() throws {
        for name in ["toric-5", "surface-5", "planar-5"] {
            let code = try QuantumCatalog.code(named: name)
            let problem = try DecodingProblem(code: code, noise: .depolarizing)
            let decoders: [any QuantumDecoder] = [
                try MatchingDecoder(problem: problem, p: 0.05),
                try UnionFindDecoder(problem: problem, p: 0.05),
            ]
            let N = problem.errorLength, H = problem.checkMatrix, supports = problem.logicalSupports
            var errors: [[Int]] = []
            for a in 0..<N {
                errors.append([a]); for b in (a + 1)..<N where (a < code.n) == (b < code.n) { errors.append([a, b]) }
            }
            for decoder in decoders {
                var failures = 0
                for support in errors {
                    var e = BitVector(count: N)
                    for j in support { e[j] = true }
                    let detections = H.multiply(e).bits
                    let correction = decoder.decode(detections: detections, count: 1, errorLength: N)
                    if NoiseSampler.logicalFailure(error: e.bits, correction: correction, logicalSupports: supports) {
                        failures += 1
                    }
                }
                XCTAssertEqual(failures, 0, "\(decoder.name) on \(name): \(errors.count) errors of weight ≤ 2")
            }
        }
    }

    /// With T rounds the correction's syndrome is the last (perfect) syndrome, the sum of all detection rounds.
    func testSpaceTimeCorrectionsMatchTheFinalSyndrome() throws {
        let problem = try DecodingProblem(code: try CSSCode.toric(4), noise: .depolarizing, rounds: 4)
        let sampler = try NoiseSampler(problem: problem, p: 0.03)
        let decoders: [any QuantumDecoder] = [
            try MatchingDecoder(problem: problem, p: 0.03), try UnionFindDecoder(problem: problem, p: 0.03),
        ]
        var rng = SeededRNG(seed: 5)
        let shots = 200, N = problem.errorLength, M = problem.syndromeLength, T = 4
        let (errors, detections) = sampler.sample(count: shots, rng: &rng)
        let H = problem.checkMatrix
        for decoder in decoders {
            let corrections = decoder.decode(detections: detections, count: shots, errorLength: N)
            for s in 0..<shots {
                let finalSyndrome = H.multiply(BitVector(bits: errors[(s * N)..<((s + 1) * N)])).bits
                var summed = [UInt8](repeating: 0, count: M)
                for t in 0..<T { for i in 0..<M { summed[i] ^= detections[(s * T + t) * M + i] } }
                XCTAssertEqual(summed, finalSyndrome, "shot \(s): detections sum to the final syndrome")
                XCTAssertEqual(
                    H.multiply(BitVector(bits: corrections[(s * N)..<((s + 1) * N)])).bits, finalSyndrome,
                    "\(decoder.name) shot \(s)")
            }
        }
    }

    func testMatchingRefusesChecksThatAreNotAGraph() throws {
        // The [[4,2,2]]-like code with a qubit in three X checks: H_X columns of weight 3.
        var hx = BitMatrix(rows: 3, columns: 6)
        for (r, cols) in [[0, 1, 2, 3], [0, 2, 4, 5], [0, 1, 4, 5]].enumerated() { for c in cols { hx[r, c] = true } }
        let hz = BitMatrix(rows: 0, columns: 6)
        let code = try CSSCode(name: "weight-3 columns", hx: hx, hz: hz)
        let problem = try DecodingProblem(code: code, noise: .independent)
        XCTAssertThrowsError(try MatchingDecoder(problem: problem, p: 0.1)) { e in
            XCTAssertTrue("\(e)".contains("qubit 0 is in 3 checks"), "\(e)")
        }
    }
}

extension MatchingDecoderTests {
    /// The space table's distances and paths give the same matching weights as Dijkstra on the whole space-time graph.
    func testSpaceTableAgreesWithDijkstra() throws {
        for (name, rounds, noise) in [
            ("toric-5", 5, PauliNoise.independent), ("planar-4", 3, .depolarizing),
            ("surface-5", 4, .independent),
        ] {
            let problem = try DecodingProblem(code: try QuantumCatalog.code(named: name), noise: noise, rounds: rounds)
            let fast = try MatchingDecoder(problem: problem, p: 0.03, q: 0.05)
            let slow = fast.withoutSpaceTable()
            let sampler = try NoiseSampler(problem: problem, p: 0.03, q: 0.05)
            var rng = SeededRNG(seed: 8)
            let shots = 150, N = problem.errorLength, D = rounds * problem.syndromeLength
            let (errors, detections) = sampler.sample(count: shots, rng: &rng)
            let H = problem.checkMatrix
            for s in 0..<shots {
                let d = Array(detections[(s * D)..<((s + 1) * D)])
                let a = fast.decodeShot(detections: d), b = slow.decodeShot(detections: d)
                XCTAssertEqual(a.weight, b.weight, "\(name) T = \(rounds) shot \(s)")
                XCTAssertEqual(
                    H.multiply(BitVector(bits: a.correction)),
                    H.multiply(BitVector(bits: errors[(s * N)..<((s + 1) * N)])),
                    "\(name) shot \(s): correction has the final syndrome")
            }
        }
    }
}

extension MatchingDecoderTests {
    /// bposd: corrections carry the observed syndrome on both halves; low-weight errors are corrected; it refuses
    /// repeated rounds.
    func testBPOSDCorrectionsHaveTheSyndrome() throws {
        let problem = try DecodingProblem(code: try CSSCode.toric(5), noise: .depolarizing)
        let decoder = try BPOSDDecoder(problem: problem, p: 0.1)
        let sampler = try NoiseSampler(problem: problem, p: 0.1)
        var rng = SeededRNG(seed: 4)
        let shots = 300, N = problem.errorLength, M = problem.syndromeLength
        let (_, detections) = sampler.sample(count: shots, rng: &rng)
        let corrections = decoder.decode(detections: detections, count: shots, errorLength: N)
        let H = problem.checkMatrix
        for s in 0..<shots {
            XCTAssertEqual(
                H.multiply(BitVector(bits: corrections[(s * N)..<((s + 1) * N)])).bits,
                Array(detections[(s * M)..<((s + 1) * M)]), "shot \(s)")
        }
        // Single errors on every qubit and Pauli are corrected.
        for j in 0..<N {
            var e = BitVector(count: N); e[j] = true
            let d = H.multiply(e).bits
            let c = decoder.decode(detections: d, count: 1, errorLength: N)
            let failed = NoiseSampler.logicalFailure(
                error: e.bits, correction: c, logicalSupports: problem.logicalSupports)
            XCTAssertFalse(failed, "single error on bit \(j)")
        }
        let repeated = try DecodingProblem(code: try CSSCode.toric(3), noise: .independent, rounds: 3)
        XCTAssertThrowsError(try BPOSDDecoder(problem: repeated, p: 0.05)) {
            XCTAssertTrue("\($0)".contains("one measurement round"))
        }
    }
}
