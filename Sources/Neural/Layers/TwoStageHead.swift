/// The ECCT's output head (docs/DESIGN.md §3): a per-token Linear(d → 1), then Linear(L → outputs) across tokens.
///
///   t[b, l] = h[b, l, :]·w + c            `oned_final_embed.0`
///   logits[b, :] = t[b, :]·Wᵀ + β          `out_fc`
public struct TwoStageHead: Sendable {
    public let token: LinearLayer
    public let mix: LinearLayer
    public var length: Int { mix.inFeatures }
    public var outputs: Int { mix.outFeatures }

    public init<G: RandomNumberGenerator>(
        _ parameters: ParameterSet, names: (token: String, mix: String), width d: Int,
        length L: Int, outputs: Int, using rng: inout G
    ) {
        token = LinearLayer(parameters, name: names.token, inFeatures: d, outFeatures: 1, using: &rng)
        mix = LinearLayer(parameters, name: names.mix, inFeatures: L, outFeatures: outputs, using: &rng)
    }

    /// Per-token scalars t [B, L] (kept for backward) and their gradient.
    public struct Workspace: @unchecked Sendable {
        /// Keeps the memory of the buffers below alive as long as this value lives.
        let owner: Arena
        let t, dT: UnsafeMutablePointer<Float>
        public init(batch B: Int, length L: Int, arena: Arena) {
            owner = arena; t = arena.take(B * L); dT = arena.take(B * L)
        }
    }

    // h: [B, L, d] → logits: [B, outputs]
    public func forward(
        h: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>, batch B: Int, workspace ws: Workspace,
        parameters p: UnsafePointer<Float>
    ) {
        token.forward(x: h, y: ws.t, rows: B * length, parameters: p)
        mix.forward(x: ws.t, y: logits, rows: B, parameters: p)
    }

    /// dh = ∂ℓ/∂h (written) from dLogits; parameter gradients accumulate.
    public func backward(
        dLogits: UnsafePointer<Float>, h: UnsafePointer<Float>, dh: UnsafeMutablePointer<Float>, batch B: Int,
        workspace ws: Workspace, parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>
    ) {
        mix.backward(dy: dLogits, x: ws.t, dx: ws.dT, rows: B, parameters: p, gradients: g)
        token.backward(dy: ws.dT, x: h, dx: dh, rows: B * length, parameters: p, gradients: g)
    }
}
