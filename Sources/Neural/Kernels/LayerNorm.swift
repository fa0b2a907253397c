import Base
import CKernels

/// Layer normalisation over the last dimension (Ba, Kiros & Hinton 2016), eps 1e-5 as PyTorch.
///
/// x, y: [N, C]; γ, β: [C]; mean, rstd: [N] (cached for backward). y = (x − μ)·rstd·γ + β, rstd = 1/√(var + eps)
/// with the biased variance. Backward accumulates dx, dγ, dβ. For C a multiple of 8 `kernels` picks the AVX2
/// kernels (`CKernels`), the Swift SIMD8 twin (`LayerNorm+EightLanes.swift`) or the scalar reference;
/// otherwise the scalar one runs.
public enum LayerNormKernel {
    public static let eps: Float = 1e-5

    public static func forward(
        x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
        rstd: UnsafeMutablePointer<Float>, rows: Int, channels C: Int, kernels: KernelPath = .best
    ) {
        if C % 8 == 0 && kernels.runnable.usesAVX2 {
            nk_layernorm_forward(x, gamma, beta, y, mean, rstd, rows, C, eps)
        } else if C % 8 == 0 && kernels != .reference {
            forwardEightLanes(x: x, gamma: gamma, beta: beta, y: y, mean: mean, rstd: rstd, rows: rows, channels: C)
        } else {
            forwardReference(x: x, gamma: gamma, beta: beta, y: y, mean: mean, rstd: rstd, rows: rows, channels: C)
        }
    }

    /// Scalar twin of `forward`.
    public static func forwardReference(
        x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
        rstd: UnsafeMutablePointer<Float>, rows: Int, channels C: Int
    ) {
        for r in 0..<rows {
            let xr = x + r * C, yr = y + r * C
            var m: Float = 0
            for i in 0..<C { m += xr[i] }
            m /= Float(C)
            var v: Float = 0
            for i in 0..<C { let d = xr[i] - m; v += d * d }
            v /= Float(C)
            let s = 1 / (v + eps).squareRoot()
            for i in 0..<C { yr[i] = (xr[i] - m) * s * gamma[i] + beta[i] }
            mean[r] = m
            rstd[r] = s
        }
    }

    public static func backward(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>, dGamma: UnsafeMutablePointer<Float>,
        dBeta: UnsafeMutablePointer<Float>, rows: Int, channels C: Int, kernels: KernelPath = .best
    ) {
        if C % 8 == 0 && kernels.runnable.usesAVX2 {
            nk_layernorm_backward(dy, x, gamma, mean, rstd, dx, dGamma, dBeta, rows, C)
        } else if C % 8 == 0 && kernels != .reference {
            backwardEightLanes(
                dy: dy, x: x, gamma: gamma, mean: mean, rstd: rstd, dx: dx, dGamma: dGamma, dBeta: dBeta, rows: rows,
                channels: C)
        } else {
            backwardReference(
                dy: dy, x: x, gamma: gamma, mean: mean, rstd: rstd, dx: dx, dGamma: dGamma, dBeta: dBeta, rows: rows,
                channels: C)
        }
    }

    /// Scalar twin of `backward`.
    public static func backwardReference(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>, dGamma: UnsafeMutablePointer<Float>,
        dBeta: UnsafeMutablePointer<Float>, rows: Int, channels C: Int
    ) {
        for r in 0..<rows {
            let xr = x + r * C, dyr = dy + r * C, dxr = dx + r * C
            let m = mean[r], s = rstd[r]
            // means over the row of dnorm and dnorm·norm, dnorm = dy·γ
            var meanD: Float = 0, meanDN: Float = 0
            for i in 0..<C {
                let norm = (xr[i] - m) * s
                let dnorm = dyr[i] * gamma[i]
                meanD += dnorm
                meanDN += dnorm * norm
            }
            meanD /= Float(C)
            meanDN /= Float(C)
            for i in 0..<C {
                let norm = (xr[i] - m) * s
                let dnorm = dyr[i] * gamma[i]
                dBeta[i] += dyr[i]
                dGamma[i] += dyr[i] * norm
                dxr[i] += (dnorm - meanD - norm * meanDN) * s
            }
        }
    }
}
