/// Where a block's LayerNorms sit: `pre` (ECCT: x + F(LN(x))) or `post` (AECCT: LN(x + F(x))).
public enum NormPlacement: String, Sendable, Equatable {
    case pre
    case post
}

/// One transformer block: a self-attention sublayer, then a feed-forward sublayer, each residual, with its
/// LayerNorm before (pre-LN) or after the residual sum (post-LN).
///
///   pre:  m = x + Attn(LN₁(x)),   y = m + FFN(LN₂(m))
///   post: m = LN₁(x + Attn(x)),   y = LN₂(m + FFN(m))
///
/// x, y: [B, L, d]. Parameters are registered attention, feed-forward, then the two norms (the reference order).
public struct TransformerBlock: Sendable {
    public let attention: MultiHeadAttention
    public let feedForward: FeedForward
    public let norm1: LayerNormLayer
    public let norm2: LayerNormLayer
    public let placement: NormPlacement
    public var width: Int { attention.width }

    public init(
        attention: MultiHeadAttention, feedForward: FeedForward, norm1: LayerNormLayer, norm2: LayerNormLayer,
        placement: NormPlacement
    ) {
        precondition(
            attention.width == feedForward.width && norm1.width == attention.width && norm2.width == attention.width,
            "TransformerBlock: sublayer widths differ")
        self.attention = attention
        self.feedForward = feedForward
        self.norm1 = norm1
        self.norm2 = norm2
        self.placement = placement
    }

    /// Activations of one batch slice. `normed1`/`normed2` hold LN₁(x), LN₂(m) (pre) or the sums x + Attn(x),
    /// m + FFN(m) that the norms read (post).
    public struct Workspace: @unchecked Sendable {
        /// Keeps the memory of the buffers below alive as long as this value lives.
        let owner: Arena
        let input, normed1, middle, normed2, output: UnsafeMutablePointer<Float>
        let stats1, stats2: LayerNormLayer.Workspace
        let attention: MultiHeadAttention.Workspace
        let feedForward: FeedForward.Workspace
        public init(block: TransformerBlock, batch B: Int, arena: Arena) {
            owner = arena
            let L = block.attention.pattern.length, d = block.width, R = B * L
            input = arena.take(R * d); normed1 = arena.take(R * d); middle = arena.take(R * d)
            normed2 = arena.take(R * d); output = arena.take(R * d)
            stats1 = .init(rows: R, arena: arena); stats2 = .init(rows: R, arena: arena)
            let quantized = block.attention.inputQuantizer != nil
            attention = .init(
                batch: B, length: L, width: d, heads: block.attention.heads,
                pairs: block.attention.pattern.pairCount, quantized: quantized, arena: arena)
            feedForward = .init(rows: R, hidden: block.feedForward.hidden, width: d, quantized: quantized, arena: arena)
        }
        /// The block's output [R, d] after `forward`.
        public var result: UnsafeMutablePointer<Float> { output }
    }

    /// Gradient scratch shared by all blocks of an encoder.
    public struct Scratch: @unchecked Sendable {
        /// Keeps the memory of the buffers below alive as long as this value lives.
        let owner: Arena
        let attention: MultiHeadAttention.Scratch
        let dMiddle, dSublayer, hidden1, hidden2: UnsafeMutablePointer<Float>
        public init(batch B: Int, width d: Int, hidden: Int, heads: Int, pattern: AttentionPattern, arena: Arena) {
            owner = arena
            let R = B * pattern.length
            attention = .init(batch: B, width: d, heads: heads, pattern: pattern, arena: arena)
            dMiddle = arena.take(R * d); dSublayer = arena.take(R * d)
            hidden1 = arena.take(R * hidden); hidden2 = arena.take(R * hidden)
        }
    }

    /// True when `forward` under `call` runs the frozen post-LN inference path with its INT8 steps fused: inference
    /// (no backward to follow), frozen ternary linears, post-LN, `call.fusesSteps`.
    public func fusesQuantization(_ call: MultiHeadAttention.Call) -> Bool {
        placement == .post && !call.training && !call.forBackward && call.fusesSteps
            && attention.query.kind == .ternaryFrozen && feedForward.inner.kind == .ternaryFrozen
    }

    /// Reads x into the workspace and leaves y in `workspace.result`.
    ///
    /// Under `fusesQuantization(call)` the residual sums are read by the norms (LN(x + F(x)) in one pass), each norm
    /// quantises its rows for the next linear layer as it writes them, and x is not copied (the workspace then holds
    /// the sublayers' outputs, not the sums: no backward may follow). `inputQuantized`: Q(x) is already in the
    /// attention's INT8 buffers (the previous block's `quantizeOutput`); `quantizeOutput`: quantise y's rows into
    /// these buffers (the next block's attention input).
    public func forward(
        x: UnsafePointer<Float>, batch B: Int, workspace a: Workspace, scratch: Scratch,
        parameters p: UnsafePointer<Float>, call: MultiHeadAttention.Call, scoreScale: UnsafePointer<Float>? = nil,
        inputQuantized: Bool = false, quantizeOutput: (ActivationQuantizer, ActivationQuantizer.Workspace)? = nil
    ) {
        let R = B * attention.pattern.length, n = R * width
        if fusesQuantization(call) {
            attention.forward(
                x: x, y: a.normed1, batch: B, workspace: a.attention, scratch: scratch.attention, parameters: p,
                call: call, scoreScale: scoreScale, inputQuantized: inputQuantized)
            norm1.forwardFused(
                x: a.normed1, residual: x, y: a.middle, rows: R, workspace: a.stats1, parameters: p,
                quantizer: feedForward.innerQuantizer, into: a.feedForward.quantizedInput)
            feedForward.forward(
                x: a.middle, y: a.normed2, rows: R, workspace: a.feedForward, parameters: p, inputQuantized: true)
            norm2.forwardFused(
                x: a.normed2, residual: a.middle, y: a.output, rows: R, workspace: a.stats2, parameters: p,
                quantizer: quantizeOutput?.0, into: quantizeOutput?.1)
            return
        }
        precondition(!inputQuantized && quantizeOutput == nil, "TransformerBlock: fused INT8 steps outside inference")
        a.input.update(from: x, count: n)
        switch placement {
        case .pre:
            norm1.forward(x: a.input, y: a.normed1, rows: R, workspace: a.stats1, parameters: p)
            attention.forward(
                x: a.normed1, y: a.middle, batch: B, workspace: a.attention, scratch: scratch.attention,
                parameters: p, call: call, scoreScale: scoreScale)
            for j in 0..<n { a.middle[j] += a.input[j] }
            norm2.forward(x: a.middle, y: a.normed2, rows: R, workspace: a.stats2, parameters: p)
            feedForward.forward(x: a.normed2, y: a.output, rows: R, workspace: a.feedForward, parameters: p)
            for j in 0..<n { a.output[j] += a.middle[j] }
        case .post:
            attention.forward(
                x: a.input, y: a.normed1, batch: B, workspace: a.attention, scratch: scratch.attention,
                parameters: p, call: call, scoreScale: scoreScale)
            for j in 0..<n { a.normed1[j] += a.input[j] }
            norm1.forward(x: a.normed1, y: a.middle, rows: R, workspace: a.stats1, parameters: p)
            feedForward.forward(x: a.middle, y: a.normed2, rows: R, workspace: a.feedForward, parameters: p)
            for j in 0..<n { a.normed2[j] += a.middle[j] }
            norm2.forward(x: a.normed2, y: a.output, rows: R, workspace: a.stats2, parameters: p)
        }
    }

    /// In place: `d` holds ∂ℓ/∂y on entry and ∂ℓ/∂x on return. Parameter gradients (and ∂ℓ/∂φ) accumulate.
    public func backward(
        d: UnsafeMutablePointer<Float>, batch B: Int, workspace a: Workspace, scratch s: Scratch,
        parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>,
        call: MultiHeadAttention.Call, scoreScale: UnsafePointer<Float>? = nil,
        dScoreScale: UnsafeMutablePointer<Float>? = nil
    ) {
        let R = B * attention.pattern.length, n = R * width
        let dMid = s.dMiddle, dSub = s.dSublayer
        switch placement {
        case .pre:
            // y = m + FFN(LN₂(m))
            dMid.update(from: d, count: n)
            feedForward.backward(
                dy: d, x: a.normed2, dx: dSub, rows: R, workspace: a.feedForward,
                scratch: (s.hidden1, s.hidden2), parameters: p, gradients: g)
            norm2.backward(dy: dSub, x: a.middle, dx: dMid, rows: R, workspace: a.stats2, parameters: p, gradients: g)
            // m = x + Attn(LN₁(x))
            d.update(from: dMid, count: n)
            attention.backward(
                dy: dMid, x: a.normed1, dx: dSub, batch: B, workspace: a.attention, scratch: s.attention,
                parameters: p, gradients: g, call: call, scoreScale: scoreScale, dScoreScale: dScoreScale)
            norm1.backward(dy: dSub, x: a.input, dx: d, rows: R, workspace: a.stats1, parameters: p, gradients: g)
        case .post:
            // y = LN₂(m + FFN(m))
            dSub.initialize(repeating: 0, count: n)
            norm2.backward(dy: d, x: a.normed2, dx: dSub, rows: R, workspace: a.stats2, parameters: p, gradients: g)
            feedForward.backward(
                dy: dSub, x: a.middle, dx: dMid, rows: R, workspace: a.feedForward,
                scratch: (s.hidden1, s.hidden2), parameters: p, gradients: g)
            for j in 0..<n { dMid[j] += dSub[j] }
            // m = LN₁(x + Attn(x))
            dSub.initialize(repeating: 0, count: n)
            norm1.backward(dy: dMid, x: a.normed1, dx: dSub, rows: R, workspace: a.stats1, parameters: p, gradients: g)
            attention.backward(
                dy: dSub, x: a.input, dx: d, batch: B, workspace: a.attention, scratch: s.attention,
                parameters: p, gradients: g, call: call, scoreScale: scoreScale, dScoreScale: dScoreScale)
            for j in 0..<n { d[j] += dSub[j] }
        }
    }
}
