import Foundation

/// Elementwise forward/backward kernels over flat buffers of `count` values. Backward accumulates into dx.
public enum Elementwise {
    // GELU, exact (erf) form as PyTorch's default: y = ½x(1 + erf(x/√2)), y' = Φ(x) + x·φ(x).
    public static func geluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = 0.5 * x[i] * (1 + erff(x[i] * 0.70710678118654752)) }
    }
    public static func geluBackward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let v = x[i]
            let cdf = 0.5 * (1 + erff(v * 0.70710678118654752))
            let pdf = expf(-0.5 * v * v) * 0.39894228040143268
            dx[i] += dy[i] * (cdf + v * pdf)
        }
    }

    public static func reluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = max(x[i], 0) }
    }
    public static func reluBackward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count where x[i] > 0 { dx[i] += dy[i] }
    }

    /// σ(x) = 1/(1 + e^{−x}), computed without overflow for either sign.
    @inlinable public static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + expf(-x)) : { let e = expf(x); return e / (1 + e) }()
    }
    public static func sigmoidForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = sigmoid(x[i]) }
    }
    /// Uses the output y: σ' = y(1 − y).
    public static func sigmoidBackward(_ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dx[i] += dy[i] * y[i] * (1 - y[i]) }
    }

    public static func expForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = expf(x[i]) }
    }
    public static func expBackward(_ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dx[i] += dy[i] * y[i] }
    }

    /// ln x; x ≤ 0 gives −inf / NaN as in PyTorch (callers validate inputs).
    public static func logForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = logf(x[i]) }
    }
    public static func logBackward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dx[i] += dy[i] / x[i] }
    }

    /// |x|, with d|x|/dx = sign(x) (0 at 0, as PyTorch).
    public static func absForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = abs(x[i]) }
    }
    public static func absBackward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dx[i] += x[i] > 0 ? dy[i] : (x[i] < 0 ? -dy[i] : 0) }
    }

    /// Straight-through sign: forward sign(x) ∈ {−1, 0, +1}; backward passes dy where |x| ≤ clip
    /// (all of it when clip is nil) (Bengio, Léonard & Courville 2013).
    public static func signForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = x[i] > 0 ? 1 : (x[i] < 0 ? -1 : 0) }
    }
    /// Straight-through round (half away from zero, as `Float.rounded()`); backward as `signBackward`.
    public static func roundForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = x[i].rounded() }
    }
    public static func straightThroughBackward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                               count: Int, clip: Float? = nil) {
        for i in 0..<count where clip.map({ abs(x[i]) <= $0 }) ?? true { dx[i] += dy[i] }
    }
}
