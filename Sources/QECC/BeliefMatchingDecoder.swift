import Base
import GF2

/// `bpm`, belief-matching (Higgott, Bohdanowicz, Kubica, Flammia & Campbell, "Improved decoding of circuit noise and
/// fragile boundaries of tailored surface codes", PRX 2023; Criger & Ashraf 2018 for the code-capacity form): belief
/// propagation on the full noise model sets each shot's matching weights, then exact matching (sparse blossom).
///
/// The full model of one-round code-capacity noise: for depolarising noise 3n mechanisms X_j, Y_j, Z_j with prior
/// p/3 each, Y_j flipping both CSS halves' error bits (so BP sees the X–Z correlations matching ignores); for
/// independent noise n mechanisms (the half itself). Per shot: sum-product BP (`iterations`, stopping at convergence)
/// on the coset of the observed syndrome (as `BPOSDDecoder`), each mechanism's posterior P(fired), each error bit's
/// probability q = P(an odd number of its mechanisms fired) (independent posteriors), the bit's graph edge weighted
/// log((1 − q)/q) (in 1/1024 nats, q ≥ ½ weighs 0), and mwpm on each half with those weights. The correction is the
/// qubits on the matched shortest paths under the new weights.
///
/// Throws for rounds > 1 (the full model of faulty measurements is not built here: use a DEM) and p outside (0, ¾).
public struct BeliefMatchingDecoder: QuantumDecoder {
    public let name: String
    public let problem: DecodingProblem
    let matching: MatchingDecoder
    let posteriors: CosetPosteriors
    /// The error bits (of N) each mechanism flips, and the mechanisms behind each error bit.
    let mechanismBits: [[Int]], bitMechanisms: [[Int]]
    /// Weights are log-odds in units of 1/`resolution` nats.
    static let resolution = 1024.0

    public init(problem: DecodingProblem, p: Double, iterations: Int = 30, name: String = "bpm") throws {
        guard problem.rounds == 1 else {
            throw QECCError(
                "\(name) decodes one measurement round (code capacity); got --rounds \(problem.rounds): use mwpm or "
                    + "uf, or a Stim DEM")
        }
        guard p > 0 && p < 0.75 else { throw QECCError("\(name) needs 0 < p < 0.75 (p = \(p))") }
        self.name = name
        self.problem = problem
        matching = try MatchingDecoder(problem: problem, p: p, name: name)
        let n = problem.code.n
        var bits: [[Int]] = [], priors: [Double] = []
        switch problem.noise {
        case .depolarizing:
            // Error bits: [X part (Z checks), Z part (X checks)].
            for j in 0..<n {
                bits += [[j], [j, n + j], [n + j]]
                priors += [p / 3, p / 3, p / 3]
            }
        default:
            for j in 0..<n {
                bits.append([j])
                priors.append(p)
            }
        }
        mechanismBits = bits
        var inverse = [[Int]](repeating: [], count: problem.errorLength)
        for (i, b) in bits.enumerated() { for x in b { inverse[x].append(i) } }
        bitMechanisms = inverse
        // H_full = H · (mechanism → error bits): column i is the syndrome of mechanism i.
        let H = problem.checkMatrix
        var full = BitMatrix(rows: H.rows, columns: bits.count)
        for (i, b) in bits.enumerated() {
            for x in b { for r in 0..<H.rows where H[r, x] { full[r, i] = !full[r, i] } }
        }
        posteriors = CosetPosteriors(
            check: full, priorLLR: priors.map { Float(logOdds($0)) }, iterations: iterations)
    }

    public func decode(
        detections: UnsafeBufferPointer<UInt8>, count: Int, into corrections: UnsafeMutableBufferPointer<UInt8>
    ) {
        let N = problem.errorLength, M = problem.syndromeLength, K = mechanismBits.count
        var scratch = posteriors.makeScratch()
        var fired = [Double](repeating: 0, count: K)
        var blossoms = matching.sparseGraphs.map { SparseBlossom(graph: $0) }
        var weights = matching.graphs.map { [Int](repeating: 0, count: $0.edgeCount) }
        var defects: [Int] = []
        for s in 0..<count {
            let out = corrections.baseAddress! + s * N
            out.initialize(repeating: 0, count: N)
            let row = detections.baseAddress! + s * M
            guard (0..<M).contains(where: { row[$0] != 0 }) else { continue }
            posteriors.fired(syndrome: row, m: M, into: &fired, scratch: &scratch)
            for (h, half) in problem.halves.enumerated() {
                let graph = matching.graphs[h]
                defects.removeAll(keepingCapacity: true)
                appendFired(row + half.syndromeOffset, count: half.checks.rows, offset: 0, to: &defects)
                if defects.isEmpty { continue }
                for e in 0..<graph.edgeCount {
                    let q = graph.edgeQubit[e]
                    guard q >= 0 else { weights[h][e] = 0; continue }
                    let mechanisms = bitMechanisms[half.errorOffset + Int(q)]
                    weights[h][e] = BeliefMatchingDecoder.weight(
                        probability: CosetPosteriors.oddProbability(mechanisms, fired: fired))
                }
                weights[h].withUnsafeBufferPointer { blossoms[h].setWeights($0.baseAddress!) }
                let correction = out + half.errorOffset
                if blossoms[h].solve(events: defects) {
                    for m in blossoms[h].matches {
                        blossoms[h].path(from: m.from, to: m.to) { e in
                            let q = graph.edgeQubit[Int(e)]
                            if q >= 0 { correction[Int(q)] ^= 1 }
                        }
                    }
                } else {
                    var workspace = matching.makeWorkspace()
                    _ = matching.decodeHalf(h, defects: defects, workspace: &workspace, correction: correction)
                }
            }
        }
    }

    /// log((1 − q)/q) in 1/`resolution` nats; 0 for q ≥ ½; q is clamped at 10⁻¹² (about 28 nats).
    static func weight(probability q: Double) -> Int {
        guard q < 0.5 else { return 0 }
        return Int((logOdds(max(q, 1e-12)) * resolution).rounded())
    }
}
