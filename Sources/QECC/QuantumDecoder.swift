/// A decoder of a `DecodingProblem`: detection bits in, a correction of the error vector out.
public protocol QuantumDecoder: Sendable {
    var name: String { get }
    /// detections: [count, T·M] 0/1 bytes (round-major, see `DecodingProblem`); corrections: [count, N], written.
    func decode(detections: UnsafeBufferPointer<UInt8>, count: Int, into corrections: UnsafeMutableBufferPointer<UInt8>)
}

extension QuantumDecoder {
    /// Array form of `decode(detections:count:into:)`: detections [count, T·M] in, corrections [count, N] out, where
    /// N is `errorLength` (the problem's). The detections must hold `count` whole shots (a precondition).
    public func decode(detections: [UInt8], count: Int, errorLength: Int) -> [UInt8] {
        precondition(
            count >= 0 && (count == 0 || detections.count % count == 0), "\(name): detections of \(count) shots")
        var corrections = [UInt8](repeating: 0, count: count * errorLength)
        detections.withUnsafeBufferPointer { d in
            corrections.withUnsafeMutableBufferPointer { decode(detections: d, count: count, into: $0) }
        }
        return corrections
    }
}

/// How a shot's detection bits and its correction split into independently decoded parts: the CSS halves of a
/// `DecodingProblem` over T rounds, or one part for a detector error model (detectors in, edges out).
struct HalfLayout: Sendable {
    struct Half: Sendable {
        /// Detection bits of the half in one round, where they start in a round, where its correction starts.
        let rows: Int, syndromeOffset: Int, errorOffset: Int
    }
    let halves: [Half]
    /// Correction bits a shot (N), detection bits a round (M), rounds (T).
    let errorLength: Int, syndromeLength: Int, rounds: Int
}

extension DecodingProblem {
    var halfLayout: HalfLayout {
        HalfLayout(
            halves: halves.map {
                .init(rows: $0.checks.rows, syndromeOffset: $0.syndromeOffset, errorOffset: $0.errorOffset)
            },
            errorLength: errorLength, syndromeLength: syndromeLength, rounds: rounds)
    }
}

/// A decoder that handles each CSS half on its own (the matching decoders): it is given one half's detectors.
protocol HalfDecoder: Sendable {
    associatedtype Workspace
    var graphs: [DecodingGraph] { get }
    var layout: HalfLayout { get }
    func makeWorkspace() -> Workspace
    /// Decode one half of one shot: `defects` are node indices of that half's graph; flip `correction` [n] bits.
    func decodeHalf(_ half: Int, defects: [Int], workspace: inout Workspace, correction: UnsafeMutablePointer<UInt8>)
        -> Int
}

extension HalfDecoder {
    /// Decode `count` shots half by half; returns the sum of `decodeHalf`'s values (mwpm: the matching weight).
    @discardableResult
    func decodeHalves(
        detections: UnsafeBufferPointer<UInt8>, count: Int, into corrections: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        let N = layout.errorLength, M = layout.syndromeLength, T = layout.rounds
        var workspace = makeWorkspace()
        var defects: [Int] = []
        var total = 0
        for s in 0..<count {
            let out = corrections.baseAddress! + s * N
            out.initialize(repeating: 0, count: N)
            for (h, half) in layout.halves.enumerated() {
                let m = half.rows
                defects.removeAll(keepingCapacity: true)
                for t in 0..<T {
                    let row = detections.baseAddress! + (s * T + t) * M + half.syndromeOffset
                    appendFired(row, count: m, offset: t * m, to: &defects)
                }
                if !defects.isEmpty {
                    total += decodeHalf(h, defects: defects, workspace: &workspace, correction: out + half.errorOffset)
                }
            }
        }
        return total
    }
}

extension DecodingProblem {
    /// One matching graph per half, weighted from p (space, the half's marginal flip probability) and q (time).
    public func matchingGraphs(p: Double, q: Double?) throws -> [DecodingGraph] {
        try DecodingProblem.checkProbability(p, "p")
        if let q { try DecodingProblem.checkProbability(q, "q") }
        let w = matchingWeights(space: marginalFlipProbability(p), time: rounds > 1 ? (q ?? p) : nil)
        return try halves.enumerated().map { (i, half) in
            let label = halves.count == 1 ? "H_X" : (i == 0 ? "H_Z" : "H_X")
            return try DecodingGraph(
                checkMatrix: half.checks, rounds: rounds, spaceWeight: w.space, timeWeight: w.time,
                name: "\(code.name) \(label)")
        }
    }
}
