import Base
import CKernels
import Foundation

/// Elementwise forward/backward kernels over flat buffers of `count` values. Backward accumulates into dx.
public enum Elementwise {
    // GELU, exact (erf) form as PyTorch's default: y = ½x(1 + erf(x/√2)) = x·Φ(x), y' = Φ(x) + x·φ(x).
    // Vectorised over eight lanes: Φ from erfc by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, relative in
    // the lower tail), e^{−x²/2} by `SIMDMath.expNegative`. The libm versions below are the reference twins;
    // `kernels` picks the AVX2 build of the same formulas (`CKernels`) or this Swift one.
    public static func geluForward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
        kernels: KernelPath = .best
    ) {
        switch kernels.runnable {
        case .avx2, .avx512: nk_gelu_forward(x, y, count); return
        case .reference: geluForwardReference(x, y, count: count); return
        case .portable: break
        }
        vectorised(count) { i, tail in
            let v = load(x + i, tail)
            let (cdf, _) = normalCDFAndDensity(v)
            store(v * cdf, y + i, tail)
        }
    }
    /// dx += dy·GELU′(x); with `accumulate: false`, dx = dy·GELU′(x) (no zeroing pass needed before).
    public static func geluBackward(
        _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int,
        accumulate: Bool = true, kernels: KernelPath = .best
    ) {
        if kernels.runnable.usesAVX2 { nk_gelu_backward(x, dy, dx, count, accumulate ? 1 : 0); return }
        if !accumulate { dx.initialize(repeating: 0, count: count) }
        if kernels == .reference { geluBackwardReference(x, dy, dx, count: count); return }
        vectorised(count) { i, tail in
            let v = load(x + i, tail)
            let (cdf, pdf) = normalCDFAndDensity(v)
            store(load(dx + i, tail) + load(dy + i, tail) * (cdf + v * pdf), dx + i, tail)
        }
    }
    public static func geluForwardReference(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = 0.5 * x[i] * (1 + erff(x[i] * 0.70710678118654752)) }
    }
    public static func geluBackwardReference(
        _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        for i in 0..<count {
            let v = x[i]
            let cdf = 0.5 * (1 + erff(v * 0.70710678118654752))
            let pdf = expf(-0.5 * v * v) * 0.39894228040143268
            dx[i] += dy[i] * (cdf + v * pdf)
        }
    }

    typealias V8 = SIMD8<Float>

    /// Φ(x) and φ(x) on eight lanes. erfc(u) = t(a1 + t(a2 + t(a3 + t(a4 + t a5))))·e^{−u²}, t = 1/(1 + p u), u = |x|/√2.
    @inline(__always) static func normalCDFAndDensity(_ x: V8) -> (cdf: V8, pdf: V8) {
        let c = SIMDMath.c
        let u = x.replacing(with: V8() - x, where: x .< V8()) * c(0.70710678118654752)
        let t = c(1) / (c(1) + c(0.3275911) * u)
        var poly = c(1.061405429)
        poly = poly * t + c(-1.453152027)
        poly = poly * t + c(1.421413741)
        poly = poly * t + c(-0.284496736)
        poly = poly * t + c(0.254829592)
        poly = poly * t
        let e = SIMDMath.expNegative(u * u)
        let half = c(0.5) * poly * e  // ½ erfc(|x|/√2) = Φ(−|x|)
        let cdf = half.replacing(with: c(1) - half, where: x .> V8())
        return (cdf, e * c(0.39894228040143268))
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>, _ tail: Int) -> V8 {
        if tail == 8 { return UnsafeRawPointer(p).loadUnaligned(as: V8.self) }
        var v = V8()
        for j in 0..<tail { v[j] = p[j] }
        return v
    }
    @inline(__always) static func load(_ p: UnsafeMutablePointer<Float>, _ tail: Int) -> V8 {
        load(UnsafePointer(p), tail)
    }
    @inline(__always) static func store(_ v: V8, _ p: UnsafeMutablePointer<Float>, _ tail: Int) {
        if tail == 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self); return }
        for j in 0..<tail { p[j] = v[j] }
    }
    /// Calls body(i, lanes) for i = 0, 8, 16, … with lanes = 8, or fewer for the last group.
    @inline(__always) static func vectorised(_ count: Int, _ body: (Int, Int) -> Void) {
        var i = 0
        while i < count { body(i, min(8, count - i)); i += 8 }
    }

    public static func reluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = max(x[i], 0) }
    }
    public static func reluBackward(
        _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        for i in 0..<count where x[i] > 0 { dx[i] += dy[i] }
    }

    /// σ(x) = 1/(1 + e^{−x}), computed without overflow for either sign.
    @inlinable public static func sigmoid(_ x: Float) -> Float {
        x >= 0
            ? 1 / (1 + expf(-x))
            : {
                let e = expf(x); return e / (1 + e)
            }()
    }
    public static func sigmoidForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = sigmoid(x[i]) }
    }
    /// Uses the output y: σ' = y(1 − y).
    public static func sigmoidBackward(
        _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        for i in 0..<count { dx[i] += dy[i] * y[i] * (1 - y[i]) }
    }

    public static func expForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = expf(x[i]) }
    }
    public static func expBackward(
        _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        for i in 0..<count { dx[i] += dy[i] * y[i] }
    }

    /// ln x; x ≤ 0 gives −inf / NaN as in PyTorch (callers validate inputs).
    public static func logForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = logf(x[i]) }
    }
    public static func logBackward(
        _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        for i in 0..<count { dx[i] += dy[i] / x[i] }
    }

    /// |x|, with d|x|/dx = sign(x) (0 at 0, as PyTorch).
    public static func absForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = abs(x[i]) }
    }
    public static func absBackward(
        _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int
    ) {
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
    public static func straightThroughBackward(
        _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
        count: Int, clip: Float? = nil
    ) {
        for i in 0..<count where clip.map({ abs(x[i]) <= $0 }) ?? true { dx[i] += dy[i] }
    }
}
