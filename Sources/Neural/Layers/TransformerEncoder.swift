/// Shape and options of a transformer encoder: N blocks of width d over the L tokens of an attention pattern.
public struct EncoderConfig: Sendable {
    public var layers: Int
    public var width: Int
    /// Any count dividing the width; the fused kernels run for 8.
    public var heads: Int = 8
    /// Attention dropout probability (training only).
    public var attentionDropout: Float = 0.1
    /// Extra LayerNorm after layer ⌊N/2⌋ when N > 1 (the ECCT reference's `norm2`).
    public var midNorm = true
    public var placement: NormPlacement = .pre
    public var activation: Activation = .gelu
    /// Feed-forward hidden width as a multiple of d.
    public var hiddenMultiple = 4
    public var pattern: AttentionPattern
    /// Per-head pair flags [pairs, heads] (HPSA), or nil.
    public var headMask: [Float]?
    /// Start every block from the biases of block 0, and the four attention projections from one bias (that of the
    /// query), as the reference ECCT does: it builds its blocks by `copy.deepcopy` of one attention module (itself
    /// four deep copies of one Linear) and one feed-forward module, then re-draws only the matrices (Xavier on every
    /// parameter of dim > 1), so the copied biases stay equal. It matters (issue 12): on BCH-63-45 N2 d32, 2,000
    /// steps from the same weights and batches, cloning lowered the mean loss by 0.002–0.006 and raised −ln(BER) at
    /// 4/5/6 dB by 0.04/0.09/0.18 on average over three seeds.
    public var clonedInitialBiases = false
    /// Ternary Q, K, V, out, W₁, W₂ with INT8 activations (AECCT), or nil (fp32).
    public var quantization: LinearQuantization?
    public var length: Int { pattern.length }

    public init(layers: Int, width: Int, heads: Int = 8, pattern: AttentionPattern) {
        precondition(
            layers >= 1 && width >= 1 && heads >= 1 && width % heads == 0,
            "EncoderConfig: \(layers) layers, width \(width), \(heads) heads (width must be a multiple of heads)")
        self.layers = layers
        self.width = width
        self.heads = heads
        self.pattern = pattern
    }
}

/// N transformer blocks, an optional mid LayerNorm after block ⌊N/2⌋ (when N > 1), and a final LayerNorm
/// (the ECCT and AECCT body, docs/DESIGN.md §3 and §6). Parameters live in a shared `ParameterSet` under the names
/// of an `EncoderNames` table, registered block by block, then the final and the mid norm (the reference order).
///
/// x, out: [B, L, d] row-major. `forward` over a range of layers caches activations in an `EncoderWorkspace`;
/// the mid norm runs when its layer is in the range, the final norm when the range ends at N. `backward` over
/// the same range accumulates parameter gradients and adds ∂ℓ/∂x into dx.
public struct TransformerEncoder: Sendable {
    public let config: EncoderConfig
    public let blocks: [TransformerBlock]
    public let midNorm: LayerNormLayer?
    public let finalNorm: LayerNormLayer
    /// 0-based index of the layer the mid norm follows.
    public let midAfter: Int?

    /// Registers the parameters (Xavier-uniform weights, U(±1/√fan_in) biases, LN γ = 1, β = 0).
    public init<G: RandomNumberGenerator>(
        config c: EncoderConfig, parameters: ParameterSet, names: EncoderNames,
        using rng: inout G
    ) {
        self.config = c
        let d = c.width
        blocks = (0..<c.layers).map { i in
            let attention = MultiHeadAttention(
                parameters, names: names.attention(i), width: d, heads: c.heads,
                pattern: c.pattern, headMask: c.headMask, dropout: c.attentionDropout,
                quantization: c.quantization, using: &rng)
            let ffn = FeedForward(
                parameters, names: names.feedForward(i), width: d, hidden: c.hiddenMultiple * d,
                activation: c.activation, quantization: c.quantization, using: &rng)
            let (n1, n2) = names.norms(i)
            return TransformerBlock(
                attention: attention, feedForward: ffn, norm1: LayerNormLayer(parameters, name: n1, width: d),
                norm2: LayerNormLayer(parameters, name: n2, width: d), placement: c.placement)
        }
        if c.clonedInitialBiases { Self.cloneBiases(of: blocks, in: parameters) }
        finalNorm = LayerNormLayer(parameters, name: names.finalNorm, width: d)
        if c.midNorm && c.layers > 1 {
            midNorm = LayerNormLayer(parameters, name: names.midNorm, width: d)
            midAfter = c.layers / 2 - 1
        } else {
            midNorm = nil
            midAfter = nil
        }
    }

    /// Copies block 0's query bias into every attention bias, and block 0's feed-forward biases into every block.
    static func cloneBiases(of blocks: [TransformerBlock], in parameters: ParameterSet) {
        func copy(_ from: LinearLayer, to: LinearLayer) {
            guard let a = from.bias, let b = to.bias, a != b else { return }
            for i in 0..<from.outFeatures { parameters.values[b + i] = parameters.values[a + i] }
        }
        let first = blocks[0]
        for block in blocks {
            let a = block.attention
            for layer in [a.query, a.key, a.value, a.output] { copy(first.attention.query, to: layer) }
            copy(first.feedForward.inner, to: block.feedForward.inner)
            copy(first.feedForward.outer, to: block.feedForward.outer)
        }
    }

    /// Activations of one batch slice.
    public func makeWorkspace(batch: Int) -> EncoderWorkspace { EncoderWorkspace(encoder: self, batch: batch) }

    /// out = the layers in `range` applied to x (the mid norm if its layer is in the range and `applyMidNorm`, the
    /// final norm if the range ends at N). The neural quantum decoder runs the first half per round without the mid
    /// norm, averages the rounds, and applies the mid norm itself (`midNorm`). `call` carries training mode and the dropout counters; its layer index is set per block.
    /// `scoreScales`, when given, returns the per-pair score scale of layer i.
    public func forward(
        x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, workspace ws: EncoderWorkspace,
        parameters p: UnsafePointer<Float>, call: MultiHeadAttention.Call, layers range: Range<Int>? = nil,
        applyMidNorm: Bool = true, scoreScales: ((Int) -> UnsafePointer<Float>)? = nil
    ) {
        let range = range ?? 0..<config.layers
        precondition(range.lowerBound >= 0 && range.upperBound <= config.layers, "TransformerEncoder: layers \(range)")
        let B = ws.batch, R = B * config.length, d = config.width
        ws.call = call
        ws.range = range
        ws.appliesMidNorm = applyMidNorm
        var current = x
        var inputQuantized = false
        for i in range {
            var layerCall = call
            layerCall.layer = i
            // frozen inference: block i quantises its output for block i + 1 when both fuse and nothing lies between
            let next = i + 1
            let handOver =
                next < range.upperBound && !(i == midAfter && applyMidNorm && midNorm != nil)
                && blocks[i].fusesQuantization(layerCall) && blocks[next].fusesQuantization(layerCall)
            var quantizeOutput: (ActivationQuantizer, ActivationQuantizer.Workspace)? = nil
            if handOver, let q = blocks[next].attention.inputQuantizer, let w = ws.blocks[next].attention.quantizedInput
            {
                quantizeOutput = (q, w)
            }
            blocks[i].forward(
                x: current, batch: B, workspace: ws.blocks[i], scratch: ws.scratch, parameters: p,
                call: layerCall, scoreScale: scoreScales?(i), inputQuantized: inputQuantized,
                quantizeOutput: quantizeOutput)
            inputQuantized = quantizeOutput != nil
            current = UnsafePointer(ws.blocks[i].result)
            if i == midAfter, applyMidNorm, let midNorm {
                midNorm.forward(x: current, y: ws.midOut, rows: R, workspace: ws.midStats, parameters: p)
                current = UnsafePointer(ws.midOut)
            }
        }
        if range.upperBound == config.layers {
            ws.finalIn.update(from: current, count: R * d)
            finalNorm.forward(x: ws.finalIn, y: out, rows: R, workspace: ws.finalStats, parameters: p)
        } else {
            out.update(from: current, count: R * d)
        }
    }

    /// Backward over the range of the last `forward` on this workspace: parameter gradients accumulate into
    /// `gradients` (ParameterSet layout) and, when given, dx += ∂ℓ/∂x; ∂ℓ/∂φᵢ into `dScoreScales(i)`.
    public func backward(
        dOut: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?, workspace ws: EncoderWorkspace,
        parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>,
        scoreScales: ((Int) -> UnsafePointer<Float>)? = nil,
        dScoreScales: ((Int) -> UnsafeMutablePointer<Float>)? = nil
    ) {
        let B = ws.batch, R = B * config.length, d = config.width, range = ws.range
        let dCur = ws.gradient
        if range.upperBound == config.layers {
            dCur.initialize(repeating: 0, count: R * d)
            finalNorm.backward(
                dy: dOut, x: ws.finalIn, dx: dCur, rows: R, workspace: ws.finalStats, parameters: p, gradients: g)
        } else {
            dCur.update(from: dOut, count: R * d)
        }
        for i in range.reversed() {
            if i == midAfter, ws.appliesMidNorm, let midNorm {
                let dMid = ws.scratch.dMiddle
                dMid.initialize(repeating: 0, count: R * d)
                midNorm.backward(
                    dy: dCur, x: ws.blocks[i].result, dx: dMid, rows: R, workspace: ws.midStats,
                    parameters: p, gradients: g)
                dCur.update(from: dMid, count: R * d)
            }
            var layerCall = ws.call
            layerCall.layer = i
            blocks[i].backward(
                d: dCur, batch: B, workspace: ws.blocks[i], scratch: ws.scratch, parameters: p, gradients: g,
                call: layerCall, scoreScale: scoreScales?(i), dScoreScale: dScoreScales?(i))
        }
        if let dx { for j in 0..<(R * d) { dx[j] += dCur[j] } }
    }
}

/// Cached activations and gradient scratch for one batch slice of a `TransformerEncoder`.
public final class EncoderWorkspace: @unchecked Sendable {
    public let batch: Int
    let arena = Arena()
    let blocks: [TransformerBlock.Workspace]
    let scratch: TransformerBlock.Scratch
    let midOut, finalIn, gradient: UnsafeMutablePointer<Float>
    let midStats, finalStats: LayerNormLayer.Workspace
    /// The last forward's settings, which its backward repeats (dropout masks, layer range).
    var call = MultiHeadAttention.Call(training: false)
    var range = 0..<0
    var appliesMidNorm = true
    /// Floats this workspace holds.
    public var floats: Int { arena.floats }

    init(encoder e: TransformerEncoder, batch B: Int) {
        batch = B
        let c = e.config, R = B * c.length, d = c.width, arena = self.arena
        blocks = e.blocks.map { TransformerBlock.Workspace(block: $0, batch: B, arena: arena) }
        scratch = .init(
            batch: B, width: d, hidden: c.hiddenMultiple * d, heads: c.heads, pattern: c.pattern, arena: arena)
        midOut = arena.take(R * d); finalIn = arena.take(R * d); gradient = arena.take(R * d)
        midStats = .init(rows: R, arena: arena); finalStats = .init(rows: R, arena: arena)
    }
}
