/// The position-wise feed-forward sublayer: y = W₂·f(W₁·x + b₁) + b₂, d → 4d → d, f = GELU (ECCT) or ReLU (AECCT).
public struct FeedForward: Sendable {
    public let inner: LinearLayer
    public let outer: LinearLayer
    public let activation: Activation
    public var width: Int { inner.inFeatures }
    public var hidden: Int { inner.outFeatures }

    public init<G: RandomNumberGenerator>(_ parameters: ParameterSet, names: (inner: String, outer: String), width d: Int,
                                          hidden: Int, activation: Activation, using rng: inout G) {
        inner = LinearLayer(parameters, name: names.inner, inFeatures: d, outFeatures: hidden, using: &rng)
        outer = LinearLayer(parameters, name: names.outer, inFeatures: hidden, outFeatures: d, using: &rng)
        self.activation = activation
    }

    /// Activations of one batch slice: pre- and post-activation hidden states [R, hidden].
    public struct Workspace: @unchecked Sendable {
        /// Keeps the memory of the buffers below alive as long as this value lives.
        let owner: Arena
        let preActivation, postActivation: UnsafeMutablePointer<Float>
        public init(rows R: Int, hidden: Int, arena: Arena) {
            owner = arena
            preActivation = arena.take(R * hidden); postActivation = arena.take(R * hidden)
        }
    }

    // x: [R, d] → y: [R, d]
    public func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows R: Int, workspace ws: Workspace,
                        parameters p: UnsafePointer<Float>) {
        inner.forward(x: x, y: ws.preActivation, rows: R, parameters: p)
        activation.forward(ws.preActivation, ws.postActivation, count: R * hidden)
        outer.forward(x: ws.postActivation, y: y, rows: R, parameters: p)
    }

    /// dx = ∂ℓ/∂x (written) from dy; parameter gradients accumulate. Scratch: two [R, hidden] buffers.
    public func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows R: Int,
                         workspace ws: Workspace, scratch: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>),
                         parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
        outer.backward(dy: dy, x: ws.postActivation, dx: scratch.0, rows: R, parameters: p, gradients: g)
        activation.backward(ws.preActivation, scratch.0, scratch.1, count: R * hidden)
        inner.backward(dy: scratch.1, x: x, dx: dx, rows: R, parameters: p, gradients: g)
    }
}
