import Base
import Codes
import Foundation
import GF2

/// `bposd`: BP + OSD on each CSS half (Panteleev & Kalachev 2021; Roffe et al. 2020), built from the classical
/// decoders of `Codes`. Syndrome decoding becomes codeword decoding on the coset: with e₀ any error of the observed
/// syndrome (`SyndromeSolver`), c = e ⊕ e₀ is a codeword of the code whose parity checks are the half's H, and its
/// channel LLRs are ±log((1 − p)/p) (negative where e₀ is 1). Sum-product BP runs first; when it does not converge
/// OSD of order `order` decodes with BP's posteriors as reliabilities. ê = ĉ ⊕ e₀.
///
/// One measurement round only (code capacity): with --rounds > 1 the constructor throws.
public struct BPOSDDecoder: QuantumDecoder {
    public let name: String
    public let problem: DecodingProblem
    let codes: [LinearCode]
    let bp: [BeliefPropagationDecoder]
    let osd: [OrderedStatisticsDecoder]
    let solvers: [SyndromeSolver]
    let priorLLR: Float

    /// Most qubits of a code bposd decodes: OSD eliminates the half's [m, n] matrix for every shot BP leaves
    /// unsolved, O(n³/64) (about a second a shot at toric-50, n = 5,000).
    public static let maxQubits = 5000

    public init(problem: DecodingProblem, p: Double, iterations: Int = 30, order: Int = 2, name: String = "bposd")
        throws
    {
        guard problem.code.n <= BPOSDDecoder.maxQubits else {
            throw QECCError(
                "\(name) on \(problem.code.name): n = \(problem.code.n) qubits; OSD's elimination per shot limits it to "
                    + "\(BPOSDDecoder.maxQubits) (use mwpm or uf)")
        }
        guard problem.rounds == 1 else {
            throw QECCError(
                "bposd decodes one measurement round (code capacity); got --rounds \(problem.rounds): use mwpm or uf")
        }
        let q = problem.marginalFlipProbability(p)
        guard q > 0 && q < 0.5 else { throw QECCError("bposd needs 0 < p with a flip probability below ½ (p = \(p))") }
        self.name = name
        self.problem = problem
        self.priorLLR = Float(logOdds(q))
        codes = problem.halves.enumerated().map { i, half in
            LinearCode(name: "\(problem.code.name) half \(i)", parityCheck: half.checks)
        }
        bp = codes.map { BeliefPropagationDecoder(code: $0, iterations: iterations) }
        osd = codes.map { OrderedStatisticsDecoder(code: $0, order: order) }
        solvers = problem.halves.map { SyndromeSolver(checks: $0.checks) }
    }

    public func decode(
        detections: UnsafeBufferPointer<UInt8>, count: Int, into corrections: UnsafeMutableBufferPointer<UInt8>
    ) {
        let N = problem.errorLength, M = problem.syndromeLength
        for s in 0..<count {
            let out = corrections.baseAddress! + s * N
            out.initialize(repeating: 0, count: N)
            for (h, half) in problem.halves.enumerated() {
                let m = half.checks.rows, n = half.checks.columns
                let row = detections.baseAddress! + s * M + half.syndromeOffset
                guard (0..<m).contains(where: { row[$0] != 0 }) else { continue }
                let syndrome = BitVector(bits: (0..<m).map { row[$0] })
                let e0 = solvers[h].solve(syndrome)
                let llr = e0.map { $0 == 1 ? -priorLLR : priorLLR }
                var bits = [UInt8](repeating: 0, count: n), posteriors = [Float](repeating: 0, count: n)
                if !bp[h].decodeWithPosteriors(llr: llr, bits: &bits, posteriors: &posteriors) {
                    bits = osd[h].decode(llr: posteriors, n: n)
                }
                for j in 0..<n { out[half.errorOffset + j] = bits[j] ^ e0[j] }
            }
        }
    }
}
