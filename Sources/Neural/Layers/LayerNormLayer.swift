import Base
import CKernels

/// LayerNorm over the width d with its parameters `<name>.weight` (γ = 1) and `<name>.bias` (β = 0).
public struct LayerNormLayer: Sendable {
    public let width: Int
    public let gamma: Int
    public let beta: Int

    public init(_ parameters: ParameterSet, name: String, width d: Int) {
        width = d
        gamma = parameters.add("\(name).weight", shape: [d], initial: [Float](repeating: 1, count: d))
        beta = parameters.add("\(name).bias", shape: [d])
    }

    /// The cached statistics of one batch slice: mean and 1/σ per row.
    public struct Workspace: @unchecked Sendable {
        /// Keeps the memory of the buffers below alive as long as this value lives.
        let owner: Arena
        let mean, rstd: UnsafeMutablePointer<Float>
        public init(rows R: Int, arena: Arena) { owner = arena; mean = arena.take(R); rstd = arena.take(R) }
    }

    // x, y: [R, d]
    @inline(__always)
    public func forward(
        x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows R: Int, workspace ws: Workspace,
        parameters p: UnsafePointer<Float>
    ) {
        LayerNormKernel.forward(
            x: x, gamma: p + gamma, beta: p + beta, y: y, mean: ws.mean, rstd: ws.rstd, rows: R, channels: width)
    }

    /// Inference: y = LN(x + residual) (residual may be nil), and with `quantizer` each row of y quantised into
    /// `into` as `quantizer.forwardInteger` would (the same bytes and scales) — on the AVX2 paths in one pass, each
    /// row quantised as soon as it is written; elsewhere the sum, the norm and the quantiser in turn.
    // x, residual, y: [R, d]
    public func forwardFused(
        x: UnsafePointer<Float>, residual: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, rows R: Int,
        workspace ws: Workspace, parameters p: UnsafePointer<Float>,
        quantizer: ActivationQuantizer? = nil, into qws: ActivationQuantizer.Workspace? = nil,
        kernels: KernelPath = .best
    ) {
        precondition((quantizer == nil) == (qws == nil), "LayerNormLayer.forwardFused: a quantiser needs its buffers")
        let fused = width % 8 == 0 && kernels.runnable.usesAVX2
        let rowKernel = fused ? quantizer?.rowKernel(kernels) : nil
        if fused {
            nk_layernorm_forward_fused(
                x, residual, p + gamma, p + beta, y, ws.mean, ws.rstd, R, width, LayerNormKernel.eps, rowKernel,
                rowKernel == nil ? nil : qws?.integers, rowKernel == nil ? nil : qws?.scales)
        } else {
            var input = x
            if let residual {
                for i in 0..<(R * width) { y[i] = x[i] + residual[i] }
                input = UnsafePointer(y)
            }
            LayerNormKernel.forward(
                x: input, gamma: p + gamma, beta: p + beta, y: y, mean: ws.mean, rstd: ws.rstd, rows: R,
                channels: width, kernels: kernels)
        }
        // no row kernel (tensor scales, the portable paths): the quantiser as its own pass
        if rowKernel == nil, let quantizer, let qws {
            quantizer.forwardInteger(y, rows: R, workspace: qws, kernels: kernels)
        }
    }

    /// dx += ∂ℓ/∂x; dγ, dβ accumulate.
    @inline(__always)
    public func backward(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows R: Int,
        workspace ws: Workspace, parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>
    ) {
        LayerNormKernel.backward(
            dy: dy, x: x, gamma: p + gamma, mean: ws.mean, rstd: ws.rstd, dx: dx, dGamma: g + gamma,
            dBeta: g + beta, rows: R, channels: width)
    }
}
