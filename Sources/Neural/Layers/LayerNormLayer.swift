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
