import Foundation
import Neural

/// The logical-error-rate loss of Deep Quantum Error Correction (docs/DESIGN.md §9): for each logical ℓ (a support set of
/// error bits) the differentiable probability that the predicted error flips it,
///
///   P_ℓ = ½ (1 − Π_{i ∈ ℓ} (1 − 2 p_i)),   p_i = σ(−f_i)  (f > 0: "no error")
///
/// fed as a logit to a binary cross-entropy against the true flip t_ℓ = ℓ·e mod 2 (as the reference does: its
/// BCE-with-logits takes P_ℓ itself), mean over the batch and the logicals.
///
/// The reference takes σ(f_i) (the probability of no error) in place of p_i; the two agree when every logical has
/// even weight (the toric code at even L), and P_ℓ of docs/DESIGN.md is the probability of an odd number of errors.
/// f, e: [B, n]; the gradient with respect to f accumulates into dLogits (Π_{i≠j} by prefix and suffix products,
/// no division).
///
/// `.probability` (the detector error models' loss) takes P_ℓ as the probability it is: BCE(P, t) =
/// −t ln P − (1 − t) ln(1 − P), P clamped to [1e-7, 1 − 1e-7]. The reference's form has a floor of ln 2 at P = 0
/// and barely trains P; on a DEM, where one observable is the whole answer, it must.
public struct LogicalParityLoss: Sendable {
    /// How P_ℓ enters the BCE: as a logit (the reference's) or as a probability.
    public enum Input: String, Sendable, Codable { case probabilityAsLogit, probability }
    public let supports: [[Int]]
    public let bits: Int
    public let input: Input

    public init(supports: [[Int]], bits: Int, input: Input = .probabilityAsLogit) {
        precondition(
            supports.allSatisfy { $0.allSatisfy { (0..<bits).contains($0) } }, "LogicalParityLoss: support out of range"
        )
        self.supports = supports
        self.bits = bits
        self.input = input
    }

    /// P_ℓ = ½(1 − Π_{i ∈ ℓ} (1 − 2 σ(−f_i))) for each logical of each shot: f [B, bits] → [B, K].
    public func oddParityProbabilities(logits f: UnsafePointer<Float>, count B: Int) -> [Float] {
        var out = [Float](repeating: 0, count: B * supports.count)
        for b in 0..<B {
            for (k, support) in supports.enumerated() {
                let product = support.reduce(Float(1)) { $0 * (1 - 2 * Elementwise.sigmoid(-f[b * bits + $1])) }
                out[b * supports.count + k] = 0.5 * (1 - product)
            }
        }
        return out
    }

    /// The loss (mean over B·K) and dLogits += scale · ∂(mean)/∂f.
    public func forwardBackward(
        logits f: UnsafePointer<Float>, errors e: UnsafePointer<Float>, count B: Int,
        dLogits: UnsafeMutablePointer<Float>?, scale: Float = 1
    ) -> Double {
        let K = supports.count
        guard K > 0, B > 0 else { return 0 }
        var total = 0.0
        let norm = 1 / Float(B * K)
        var q = [Float](), prefix = [Float](), suffix = [Float]()
        for b in 0..<B {
            let fb = f + b * bits, eb = e + b * bits
            for support in supports {
                let w = support.count
                q.removeAll(keepingCapacity: true)
                var parity = 0
                for i in support {
                    q.append(1 - 2 * Elementwise.sigmoid(-fb[i]))
                    if eb[i] != 0 { parity ^= 1 }
                }
                prefix = [Float](repeating: 1, count: w + 1); suffix = [Float](repeating: 1, count: w + 1)
                for j in 0..<w { prefix[j + 1] = prefix[j] * q[j] }
                for j in stride(from: w - 1, through: 0, by: -1) { suffix[j] = suffix[j + 1] * q[j] }
                let P = 0.5 * (1 - prefix[w]), t = Float(parity)
                let dLoss: Float
                switch input {
                case .probabilityAsLogit:
                    total += Double(max(P, 0) - P * t + log1pf(expf(-abs(P))))
                    dLoss = Elementwise.sigmoid(P) - t
                case .probability:
                    let c = min(max(P, 1e-7), 1 - 1e-7)
                    total += Double(-(t * logf(c) + (1 - t) * log1pf(-c)))
                    dLoss = c == P ? (P - t) / (P * (1 - P)) : 0
                }
                guard let dLogits else { continue }
                let dP = scale * norm * dLoss
                for (j, i) in support.enumerated() {
                    // ∂P/∂p_j = Π_{k≠j} q_k; ∂p_j/∂f_j = −p_j(1 − p_j)
                    let p = Elementwise.sigmoid(-fb[i])
                    dLogits[b * bits + i] += dP * prefix[j] * suffix[j + 1] * (-p * (1 - p))
                }
            }
        }
        return total / Double(B * K)
    }
}
