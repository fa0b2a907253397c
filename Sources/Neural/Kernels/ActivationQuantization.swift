/// INT8 abs-max quantisation of the activations entering a quantised linear layer (AECCT; docs/DESIGN.md §6):
/// s_x = 127 / (max|x| + 1e-6), x_q = clamp(round(x·s_x), −128, 127), round half to even.
///
/// `tensor`: one scale over everything given (the reference's: the batch included, so a word's output depends on
/// its batch and its chunking). `token`: one scale per row [d] (batch-independent). `none`: the activations stay
/// float (ternary weights alone; quantisation-aware training and its evaluation, a diagnostic: the integer kernels of
/// a frozen model need INT8 activations). x: [rows, d].
public enum ActivationQuantization {
    public enum Scope: String, Sendable, CaseIterable { case tensor, token, none }
    public static let epsilon: Float = 1e-6

    /// Scales [1] (tensor) or [rows] (token); none for `none`.
    public static func scales(_ x: UnsafePointer<Float>, rows: Int, width d: Int, scope: Scope) -> [Float] {
        func scale(_ start: Int, _ count: Int) -> Float {
            var m: Float = 0
            for i in start..<(start + count) { m = max(m, abs(x[i])) }
            return 127 / (m + epsilon)
        }
        switch scope {
        case .tensor: return [scale(0, rows * d)]
        case .token: return (0..<rows).map { scale($0 * d, d) }
        case .none: return []
        }
    }

    /// x_q [rows, d] (integers stored as Float) with the scales of `scales`.
    public static func quantize(
        _ x: UnsafePointer<Float>, rows: Int, width d: Int, scales: [Float],
        into q: UnsafeMutablePointer<Float>
    ) {
        precondition(
            scales.count == 1 || scales.count == rows, "ActivationQuantization: \(scales.count) scales for \(rows) rows"
        )
        for r in 0..<rows {
            let s = scales.count == 1 ? scales[0] : scales[r]
            for c in 0..<d { q[r * d + c] = min(127, max(-128, (x[r * d + c] * s).rounded(.toNearestOrEven))) }
        }
    }
}
