/// The position-wise feed-forward sublayer: y = W₂·f(W₁·x + b₁) + b₂, d → 4d → d, f = GELU (ECCT) or ReLU (AECCT).
public struct FeedForward: Sendable {
    public let inner: LinearLayer
    public let outer: LinearLayer
    public let activation: Activation
    /// INT8 steps before W₁ and W₂ (AECCT), or nil.
    public let innerQuantizer: ActivationQuantizer?
    public let outerQuantizer: ActivationQuantizer?
    public var width: Int { inner.inFeatures }
    public var hidden: Int { inner.outFeatures }

    public init<G: RandomNumberGenerator>(
        _ parameters: ParameterSet, names: (inner: String, outer: String), width d: Int,
        hidden: Int, activation: Activation, quantization: LinearQuantization? = nil,
        using rng: inout G
    ) {
        let kind = quantization?.kind ?? .dense, store = quantization?.weights
        inner = LinearLayer(
            parameters, name: names.inner, inFeatures: d, outFeatures: hidden, kind: kind, ternary: store,
            using: &rng)
        outer = LinearLayer(
            parameters, name: names.outer, inFeatures: hidden, outFeatures: d, kind: kind, ternary: store,
            using: &rng)
        self.activation = activation
        innerQuantizer = quantization.map {
            ActivationQuantizer(scope: $0.scope, width: d, clampGradient: $0.clampGradient)
        }
        outerQuantizer = quantization.map {
            ActivationQuantizer(scope: $0.scope, width: hidden, clampGradient: $0.clampGradient)
        }
    }

    /// Activations of one batch slice: pre- and post-activation hidden states [R, hidden].
    public struct Workspace: @unchecked Sendable {
        /// Keeps the memory of the buffers below alive as long as this value lives.
        let owner: Arena
        let preActivation, postActivation: UnsafeMutablePointer<Float>
        let quantizedInput, quantizedHidden: ActivationQuantizer.Workspace?
        /// `width` and `quantized`: the INT8 steps' buffers of a quantised block.
        public init(rows R: Int, hidden: Int, width: Int = 0, quantized: Bool = false, arena: Arena) {
            owner = arena
            quantizedInput = quantized ? .init(rows: R, width: width, outputs: hidden, arena: arena) : nil
            quantizedHidden = quantized ? .init(rows: R, width: hidden, outputs: width, arena: arena) : nil
            preActivation = arena.take(R * hidden); postActivation = arena.take(R * hidden)
        }
    }

    // x: [R, d] → y: [R, d]
    /// `inputQuantized` (frozen inference): Q(x) and its scales are already in `ws.quantizedInput` (written by the
    /// step that produced x: `LayerNormLayer.forwardFused`), so x is not read.
    public func forward(
        x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows R: Int, workspace ws: Workspace,
        parameters p: UnsafePointer<Float>, inputQuantized: Bool = false
    ) {
        if let qi = innerQuantizer, let qo = outerQuantizer {
            let wi = ws.quantizedInput!, wo = ws.quantizedHidden!
            precondition(
                !inputQuantized || inner.kind == .ternaryFrozen,
                "FeedForward: a quantised input feeds frozen layers only")
            if inner.kind == .ternaryFrozen, activation == .relu, qo.scope == .token,
                TernaryMatrix.rescalesInKernel(.best)
            {
                // W₁, ReLU and the INT8 step before W₂ in one kernel pass (the same bytes as the three steps)
                if !inputQuantized { qi.forwardInteger(x, rows: R, workspace: wi) }
                inner.forwardIntegerReLUQuantized(
                    q: wi.integers, scales: wi.scales, perRow: qi.scope == .token, y: ws.postActivation, sums: wi.sums,
                    rows: R, next: wo, parameters: p)
                outer.forwardInteger(
                    q: wo.integers, scales: wo.scales, perRow: true, y: y, sums: wo.sums, rows: R, parameters: p)
                return
            }
            if inputQuantized {
                qi.projectQuantized(rows: R, workspace: wi, layers: [(inner, ws.preActivation)], parameters: p)
            } else {
                qi.project(x, rows: R, workspace: wi, layers: [(inner, ws.preActivation)], parameters: p)
            }
            activation.forward(ws.preActivation, ws.postActivation, count: R * hidden)
            qo.project(ws.postActivation, rows: R, workspace: wo, layers: [(outer, y)], parameters: p)
            return
        }
        inner.forward(x: x, y: ws.preActivation, rows: R, parameters: p)
        activation.forward(ws.preActivation, ws.postActivation, count: R * hidden)
        outer.forward(x: ws.postActivation, y: y, rows: R, parameters: p)
    }

    /// dx = ∂ℓ/∂x (written) from dy; parameter gradients accumulate. Scratch: two [R, hidden] buffers.
    public func backward(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows R: Int,
        workspace ws: Workspace, scratch: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>),
        parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>
    ) {
        if let qi = innerQuantizer, let qo = outerQuantizer, let wi = ws.quantizedInput, let wo = ws.quantizedHidden {
            outer.backward(dy: dy, x: wo.dequantized, dx: scratch.0, rows: R, parameters: p, gradients: g)
            qo.backward(scratch.0, x: ws.postActivation, dx: scratch.1, rows: R, workspace: wo)
            activation.backward(ws.preActivation, scratch.1, scratch.0, count: R * hidden)
            inner.backward(dy: scratch.0, x: wi.dequantized, dx: dx, rows: R, parameters: p, gradients: g)
            qi.backward(dx, x: x, dx: dx, rows: R, workspace: wi)
            return
        }
        outer.backward(dy: dy, x: ws.postActivation, dx: scratch.0, rows: R, parameters: p, gradients: g)
        activation.backward(ws.preActivation, scratch.0, scratch.1, count: R * hidden)
        inner.backward(dy: scratch.1, x: x, dx: dx, rows: R, parameters: p, gradients: g)
    }
}
