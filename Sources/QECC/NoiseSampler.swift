import Base
import Foundation

/// Draws shots of a `DecodingProblem`: the final accumulated error e [N] and the detection bits [T·M] of each shot.
///
/// Per shot and round, in this order: one uniform 64-bit draw per qubit (independent: a Z flip when below p;
/// depolarising: X below p/3, Z below 2p/3, Y below p, the reference's order), then, except in the last round,
/// one draw per syndrome bit (a measurement error when below q). With `nonzeroOnly` a round whose error is zero
/// is drawn again (the DQEC scripts' behaviour; off by default, so the zero error counts as the success it is).
/// Every decoder is fed the same shots for the same stream.
public struct NoiseSampler: Sendable {
    public let problem: DecodingProblem
    public let p: Double
    public let q: Double
    public let nonzeroOnly: Bool
    /// CSR of the stacked H's columns: the syndrome bits that error bit j toggles.
    let columnStart: [Int], columnChecks: [Int32]

    public init(problem: DecodingProblem, p: Double, q: Double? = nil, nonzeroOnly: Bool = false) throws {
        try DecodingProblem.checkProbability(p, "p")
        let q = q ?? p
        try DecodingProblem.checkProbability(q, "q")
        if nonzeroOnly {
            // a round is drawn again while no qubit's draw falls below the threshold: the chance of a nonzero round is
            // 1 − (1 − t)^n with t the threshold's probability; refuse when the redraws would run without end
            let t = Double(NoiseSampler.threshold(p)) * 0x1p-64
            let nonzero = -expm1(Double(problem.code.n) * log1p(-t))
            guard nonzero >= NoiseSampler.minNonzeroProbability else {
                throw QECCError(
                    String(
                        format: "--nonzero-only at p = %g on %@: a round has an error with probability %.2g, so each "
                            + "round would be drawn about %.2g times; a larger p must make that chance at least %g (or "
                            + "drop --nonzero-only)", p, problem.code.name, nonzero,
                        nonzero > 0 ? 1 / nonzero : .infinity,
                        NoiseSampler.minNonzeroProbability))
            }
        }
        self.problem = problem; self.p = p; self.q = q; self.nonzeroOnly = nonzeroOnly
        var lists = [[Int32]](repeating: [], count: problem.errorLength)
        for half in problem.halves {
            for r in 0..<half.checks.rows {
                for j in half.checks.row(r).support {
                    lists[half.errorOffset + j].append(Int32(half.syndromeOffset + r))
                }
            }
        }
        columnStart = lists.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        columnChecks = lists.flatMap { $0 }
    }

    /// The least chance of a nonzero round that `nonzeroOnly` accepts (at most 10,000 redraws a round on average).
    public static let minNonzeroProbability = 1e-4

    @inline(__always) static func threshold(_ x: Double) -> UInt64 { x >= 1 ? .max : UInt64(x * 0x1p64) }

    /// Fill `errors` [count, N] and `detections` [count, T·M] with 0/1 bytes.
    public func sample(
        count: Int, rng: inout SeededRNG, errors: UnsafeMutableBufferPointer<UInt8>,
        detections: UnsafeMutableBufferPointer<UInt8>
    ) {
        let N = problem.errorLength, M = problem.syndromeLength, T = problem.rounds, n = problem.code.n
        precondition(errors.count >= count * N && detections.count >= count * T * M, "NoiseSampler: buffers too small")
        let pThreshold = NoiseSampler.threshold(p), qThreshold = NoiseSampler.threshold(q)
        let third = NoiseSampler.threshold(p / 3), twoThirds = NoiseSampler.threshold(2 * p / 3)
        let depolarizing = problem.noise == .depolarizing
        var syndrome = [UInt8](repeating: 0, count: M), previous = [UInt8](repeating: 0, count: M)
        var flips: [Int32] = []
        flips.reserveCapacity(64)
        for s in 0..<count {
            let e = errors.baseAddress! + s * N
            e.initialize(repeating: 0, count: N)
            for i in 0..<M { syndrome[i] = 0; previous[i] = 0 }
            for t in 0..<T {
                repeat {
                    flips.removeAll(keepingCapacity: true)
                    for j in 0..<n {
                        let u = rng.next()
                        guard u < pThreshold else { continue }
                        if !depolarizing { flips.append(Int32(j)); continue }
                        if u < third {
                            flips.append(Int32(j))
                        }  // X
                        else if u < twoThirds {
                            flips.append(Int32(n + j))
                        }  // Z
                        else {
                            flips.append(Int32(j)); flips.append(Int32(n + j))
                        }  // Y
                    }
                } while nonzeroOnly && flips.isEmpty
                for f in flips {
                    let j = Int(f)
                    e[j] ^= 1
                    for c in columnStart[j]..<columnStart[j + 1] { syndrome[Int(columnChecks[c])] ^= 1 }
                }
                let d = detections.baseAddress! + (s * T + t) * M
                let faulty = t + 1 < T
                for i in 0..<M {
                    let measured = faulty && rng.next() < qThreshold ? syndrome[i] ^ 1 : syndrome[i]
                    d[i] = measured ^ previous[i]
                    previous[i] = measured
                }
            }
        }
    }

    /// `count` shots as arrays: errors [count, N] and detections [count, T·M].
    public func sample(count: Int, rng: inout SeededRNG) -> (errors: [UInt8], detections: [UInt8]) {
        var e = [UInt8](repeating: 0, count: count * problem.errorLength)
        var d = [UInt8](repeating: 0, count: count * problem.rounds * problem.syndromeLength)
        e.withUnsafeMutableBufferPointer { eb in
            d.withUnsafeMutableBufferPointer { sample(count: count, rng: &rng, errors: eb, detections: $0) }
        }
        return (e, d)
    }

    /// Array form of `logicalFailure(error:correction:logicalSupports:)` for one shot's error and correction [N].
    public static func logicalFailure(error: [UInt8], correction: [UInt8], logicalSupports: [[Int]]) -> Bool {
        precondition(error.count == correction.count, "logicalFailure: error and correction lengths differ")
        return error.withUnsafeBufferPointer { e in
            correction.withUnsafeBufferPointer {
                logicalFailure(error: e.baseAddress!, correction: $0.baseAddress!, logicalSupports: logicalSupports)
            }
        }
    }

    /// True when the residual e ⊕ ê flips a logical: one shot's error and correction, N bytes each.
    public static func logicalFailure(
        error: UnsafePointer<UInt8>, correction: UnsafePointer<UInt8>,
        logicalSupports: [[Int]]
    ) -> Bool {
        for support in logicalSupports {
            var parity: UInt8 = 0
            for j in support { parity ^= error[j] ^ correction[j] }
            if parity != 0 { return true }
        }
        return false
    }
}

extension DecodingProblem {
    /// The support of each row of the stacked logical matrix (for the failure test).
    public var logicalSupports: [[Int]] {
        let l = logicalMatrix
        return (0..<l.rows).map { l.row($0).support }
    }
}
