/// AAP ternary weight quantisation of the AECCT (Levy, Choukroun & Wolf, arXiv 2410.05911; docs/DESIGN.md §6), with the
/// reference's float32 arithmetic so a frozen model matches it exactly:
///
///   γ = quantile_q(|W|)            linear interpolation between order statistics (`torch.quantile`, q = 0.45)
///   s_w = 1 / (γ·δ + 1e-6)         δ learnable per matrix (init 1)
///   W_t = clamp(round(W·s_w), −1, 1)   round half to even; training uses W_t / s_w
///
/// The straight-through gradients belong to the QAT layer; this is the forward part and the freeze.
public enum TernaryQuantization {
    public static let epsilon: Float = 1e-6

    /// `torch.quantile(values, q)` (linear): rank q·(N − 1) between the sorted neighbours, interpolated with
    /// torch's `lerp` (from the lower end below weight 0.5, from the upper end above). Also returns the two order
    /// statistics and the interpolation weight (the quantile's gradient flows to those two entries).
    public static func quantile(_ values: [Float], q: Float) -> (
        value: Float, below: Float, above: Float, weight: Float
    ) {
        precondition(!values.isEmpty && (0...1).contains(q), "quantile: \(values.count) values, q = \(q)")
        let sorted = values.sorted()
        let rank = q * Float(sorted.count - 1)
        let lower = Int(rank), upper = min(lower + 1, sorted.count - 1)
        let w = rank - Float(lower), a = sorted[lower], b = sorted[upper]
        let value = w < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w)
        return (value, a, b, w)
    }

    /// s_w = 1 / (γ·δ + 1e-6), in the reference's order of operations.
    @inline(__always) public static func scale(gamma: Float, delta: Float) -> Float { 1 / (gamma * delta + epsilon) }

    /// round(w·s_w) (half to even) before the clamp: the straight-through rules ask where it lies.
    @inline(__always) public static func rounded(_ w: Float, scale s: Float) -> Float {
        (w * s).rounded(.toNearestOrEven)
    }

    /// W_t = clamp(round(w·s_w), −1, 1).
    @inline(__always) public static func ternary(_ w: Float, scale s: Float) -> Float {
        min(1, max(-1, rounded(w, scale: s)))
    }

    /// s_w of a weight matrix (any shape, flattened) with its δ.
    public static func scale(weights: [Float], delta: Float, percentile q: Float = 0.45) -> Float {
        scale(gamma: quantile(weights.map(abs), q: q).value, delta: delta)
    }

    /// The frozen ternary matrix W_t ∈ {−1, 0, 1} and s_w.
    public static func freeze(weights: [Float], delta: Float, percentile q: Float = 0.45) -> (
        ternary: [Float], scale: Float
    ) {
        let s = scale(weights: weights, delta: delta, percentile: q)
        return (weights.map { ternary($0, scale: s) }, s)
    }
}

/// Where the straight-through gradient of a quantiser's clamp passes: `strict`, only where the rounded value lies
/// strictly inside the range (for the ternary weights: where round(W·s_w) = 0; for INT8 activations: not at −128 or
/// 127), or `inclusive`, on the closed range. The reference fixture's gradients (`grad_qat.*`) follow `strict`: with
/// it the reference code reproduces them to 1e-4, while the same code under torch 2.13, whose clamp passes the bounds,
/// gives `inclusive` (measured, issue 13). `strict` is the default, as the contract is the fixture.
public enum ClampGradient: String, Sendable, CaseIterable {
    case strict
    case inclusive

    @inline(__always) public func passes(_ rounded: Float, low: Float, high: Float) -> Bool {
        self == .strict ? rounded > low && rounded < high : rounded >= low && rounded <= high
    }
}
