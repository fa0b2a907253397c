import Base
import Codes
import Foundation
import GF2

/// Each mechanism's posterior probability of having fired, given an observed syndrome: sum-product BP on the coset of
/// the syndrome (as `BPOSDDecoder` does: e₀ with H·e₀ = s from `SyndromeSolver`, codeword LLRs ±prior LLR, negative
/// where e₀ is 1), stopping at convergence or after its iterations; P(e_i = 1) = P(c_i ≠ e₀_i) from BP's posterior
/// LLRs of c = e ⊕ e₀. Belief-matching's first half (`BeliefMatchingDecoder`, `DetectorErrorModelBeliefMatching`).
struct CosetPosteriors: Sendable {
    let bp: BeliefPropagationDecoder
    let solver: SyndromeSolver
    let priorLLR: [Float]

    /// check: H [syndrome bits, mechanisms]; priorLLR: log((1 − p_i)/p_i) per mechanism.
    init(check: BitMatrix, priorLLR: [Float], iterations: Int) {
        bp = BeliefPropagationDecoder(code: LinearCode(name: "coset", parityCheck: check), iterations: iterations)
        solver = SyndromeSolver(checks: check)
        self.priorLLR = priorLLR
    }

    /// BP's buffers, one set per thread.
    struct Scratch {
        var llr: [Float], posteriors: [Float], bits: [UInt8]
    }

    func makeScratch() -> Scratch {
        let K = priorLLR.count
        return Scratch(
            llr: [Float](repeating: 0, count: K), posteriors: [Float](repeating: 0, count: K),
            bits: [UInt8](repeating: 0, count: K))
    }

    /// syndrome: `m` bits (0/1 bytes); fired: [mechanisms], written.
    func fired(syndrome: UnsafePointer<UInt8>, m: Int, into fired: inout [Double], scratch s: inout Scratch) {
        let e0 = solver.solve(BitVector(bits: (0..<m).map { syndrome[$0] }))
        for i in priorLLR.indices { s.llr[i] = e0[i] == 1 ? -priorLLR[i] : priorLLR[i] }
        _ = bp.decodeWithPosteriors(llr: s.llr, bits: &s.bits, posteriors: &s.posteriors)
        for i in priorLLR.indices {
            let cOne = 1 / (1 + exp(Double(s.posteriors[i])))
            fired[i] = e0[i] == 1 ? 1 - cOne : cOne
        }
    }

    /// P(an odd number of the given mechanisms fired), independent posteriors: (1 − Π(1 − 2 p_i)) / 2.
    static func oddProbability(_ mechanisms: [Int], fired: [Double]) -> Double {
        var product = 1.0
        for i in mechanisms { product *= 1 - 2 * fired[i] }
        return (1 - product) / 2
    }
}
