/// Multi-head self-attention with four biased d×d projections (Q, K, V, out) over the pairs of an
/// `AttentionPattern` (Vaswani et al. 2017; the ECCT's masked form, docs/DESIGN.md §3):
///
///   q, k, v = x·W_qᵀ + b_q, …        out = Attn(q, k, v)·W_oᵀ + b_o
///
/// Any head count dividing d (the fused kernels run for 8 heads; others take the reference loops).
/// Options (see `MaskedAttention`): a per-head pair mask `headMask` [pairs, H] (HPSA), and a per-pair
/// score scale given at each call (the learned codes' φ(M)), with its gradient from `backward`.
/// Attention dropout (training only) is counter-based: it depends on (seed, step, layer, sample index).
public struct MultiHeadAttention: Sendable {
    public let query, key, value, output: LinearLayer
    public let pattern: AttentionPattern
    public let heads: Int
    public let dropout: Float
    /// [pairs, H] flags (1 = head may use the pair), or nil: every head uses every pair of the pattern.
    public let headMask: [Float]?
    /// The head mask as two rings of four heads (HPSA), when it has that form: inference computes each pair only in
    /// the heads that use it (`MaskedAttention.forwardRings`).
    public let rings: AttentionRings?
    /// INT8 steps before Q/K/V (one, shared) and before the output projection (AECCT), or nil.
    public let inputQuantizer: ActivationQuantizer?
    public let attendedQuantizer: ActivationQuantizer?
    public var width: Int { query.inFeatures }

    /// `names`: the four projections in the order Q, K, V, out.
    public init<G: RandomNumberGenerator>(
        _ parameters: ParameterSet, names: [String], width d: Int, heads: Int,
        pattern: AttentionPattern, headMask: [Float]? = nil, dropout: Float,
        quantization: LinearQuantization? = nil, using rng: inout G
    ) {
        precondition(names.count == 4, "MultiHeadAttention: four projection names, got \(names)")
        precondition(heads >= 1 && d % heads == 0, "MultiHeadAttention: \(heads) heads do not divide d = \(d)")
        precondition(
            headMask.map { $0.count == pattern.pairCount * heads } ?? true,
            "MultiHeadAttention: head mask of \(headMask?.count ?? 0) flags for \(pattern.pairCount) pairs × \(heads) heads"
        )
        let kind = quantization?.kind ?? .dense, store = quantization?.weights
        query = LinearLayer(
            parameters, name: names[0], inFeatures: d, outFeatures: d, kind: kind, ternary: store, using: &rng)
        key = LinearLayer(
            parameters, name: names[1], inFeatures: d, outFeatures: d, kind: kind, ternary: store, using: &rng)
        value = LinearLayer(
            parameters, name: names[2], inFeatures: d, outFeatures: d, kind: kind, ternary: store, using: &rng)
        output = LinearLayer(
            parameters, name: names[3], inFeatures: d, outFeatures: d, kind: kind, ternary: store, using: &rng)
        inputQuantizer = quantization.map {
            ActivationQuantizer(scope: $0.scope, width: d, clampGradient: $0.clampGradient)
        }
        attendedQuantizer = inputQuantizer
        self.pattern = pattern
        self.heads = heads
        self.headMask = headMask
        rings = headMask.flatMap { AttentionRings(pattern: pattern, headMask: $0, heads: heads) }
        self.dropout = dropout
    }

    /// Activations of one batch slice: q, k, v, the attention output before W_o [R, d], probabilities and
    /// dropout keep flags [B, pairs, H].
    public struct Workspace: @unchecked Sendable {
        /// Keeps the memory of the buffers below alive as long as this value lives.
        let owner: Arena
        let q, k, v, attended, probabilities, keep: UnsafeMutablePointer<Float>
        /// The INT8 steps' buffers (quantised blocks).
        let quantizedInput, quantizedAttended: ActivationQuantizer.Workspace?
        public init(
            batch B: Int, length L: Int, width d: Int, heads H: Int, pairs: Int, quantized: Bool = false,
            arena: Arena
        ) {
            owner = arena
            let R = B * L
            quantizedInput = quantized ? .init(rows: R, width: d, outputs: d, arena: arena) : nil
            quantizedAttended = quantized ? .init(rows: R, width: d, outputs: d, arena: arena) : nil
            q = arena.take(R * d); k = arena.take(R * d); v = arena.take(R * d); attended = arena.take(R * d)
            probabilities = arena.take(B * H * pairs); keep = arena.take(B * H * pairs)
        }
    }

    /// Gradient scratch shared by the layers of an encoder: dq, dk, dv, d(attended), dx of the projections [R, d],
    /// and the attention kernels' own scratch.
    public struct Scratch: @unchecked Sendable {
        /// Keeps the memory of the buffers below alive as long as this value lives.
        let owner: Arena
        let dq, dk, dv, dAttended, dProjected, kernel: UnsafeMutablePointer<Float>
        public init(batch B: Int, width d: Int, heads H: Int, pattern: AttentionPattern, arena: Arena) {
            owner = arena
            let R = B * pattern.length
            dq = arena.take(R * d); dk = arena.take(R * d); dv = arena.take(R * d); dAttended = arena.take(R * d)
            dProjected = arena.take(R * d)
            kernel = arena.take(
                max(
                    MaskedAttention.scratchCount(batch: B, heads: H, width: d, pattern: pattern),
                    AttentionRings.scratchCount(batch: B, length: pattern.length, width: d)))
        }
    }

    /// Dropout settings of one call: training on or off, the run's seed, the global step, the layer index (its
    /// own stream) and the index of this slice's first sample in the whole batch.
    public struct Call: Sendable {
        public var training: Bool
        public var seed: UInt64 = 0
        public var step: UInt64 = 0
        public var layer = 0
        public var batchOffset = 0
        /// Inference only: skip what only `backward` reads (normalised probabilities).
        public var forBackward = true
        /// Inference without `forBackward` on frozen ternary blocks: each INT8 step fused into the step that produces
        /// its input (`TransformerBlock.fusesQuantization`); false runs them as separate passes (the same numbers).
        public var fusesSteps = true
        public init(
            training: Bool, seed: UInt64 = 0, step: UInt64 = 0, layer: Int = 0, batchOffset: Int = 0,
            forBackward: Bool = true
        ) {
            self.training = training; self.seed = seed; self.step = step; self.layer = layer
            self.batchOffset = batchOffset; self.forBackward = forBackward
        }
    }

    func dropoutOf(_ call: Call) -> Dropout? {
        call.training && dropout > 0 ? Dropout(p: dropout, seed: call.seed) : nil
    }

    // x: [B, L, d] → y: [B, L, d]; scoreScale: [pairs] or nil
    /// `inputQuantized` (frozen inference): the INT8 input Q(x) and its scales are already in `ws.quantizedInput`
    /// (the step that produced x quantised it: `LayerNormLayer.forwardFused`), so x is not read for the projections.
    public func forward(
        x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, batch B: Int, workspace ws: Workspace,
        scratch: Scratch, parameters p: UnsafePointer<Float>, call: Call,
        scoreScale: UnsafePointer<Float>? = nil, inputQuantized: Bool = false
    ) {
        let R = B * pattern.length, drop = dropoutOf(call)
        if let qz = inputQuantizer {
            let qkv = [(query, ws.q), (key, ws.k), (value, ws.v)]
            if inputQuantized {
                precondition(
                    query.kind == .ternaryFrozen, "MultiHeadAttention: a quantised input feeds frozen layers only")
                qz.projectQuantized(rows: R, workspace: ws.quantizedInput!, layers: qkv, parameters: p)
            } else {
                qz.project(x, rows: R, workspace: ws.quantizedInput!, layers: qkv, parameters: p)
            }
        } else {
            query.forward(x: x, y: ws.q, rows: R, parameters: p)
            key.forward(x: x, y: ws.k, rows: R, parameters: p)
            value.forward(x: x, y: ws.v, rows: R, parameters: p)
        }
        if let rings, drop == nil, !call.forBackward, scoreScale == nil,
            AttentionRings.supports(width: width, kernels: .best)
        {
            // frozen: the output projection's INT8 step fused into the kernel (each attended row quantised in L1)
            let fused = call.fusesSteps && output.kind == .ternaryFrozen ? attendedQuantizer?.rowKernel() : nil
            let qa = ws.quantizedAttended
            MaskedAttention.forwardRings(
                q: ws.q, k: ws.k, v: ws.v, out: ws.attended, rings: rings, length: pattern.length, batch: B,
                width: width, scratch: scratch.kernel,
                quantized: fused.flatMap { k in qa.map { (k, $0.integers, $0.scales) } })
            if fused != nil, let qz = attendedQuantizer, let qa {
                qz.projectQuantized(rows: R, workspace: qa, layers: [(output, y)], parameters: p)
                return
            }
        } else {
            withHeadMask { mask in
                MaskedAttention.forward(
                    q: ws.q, k: ws.k, v: ws.v, out: ws.attended, probabilities: ws.probabilities,
                    keep: drop == nil ? nil : ws.keep, scratch: scratch.kernel, dropout: drop,
                    stream: call.step &* 1024 &+ UInt64(call.layer), pattern: pattern, batch: B,
                    heads: heads, width: width, batchOffset: call.batchOffset,
                    storeProbabilities: call.forBackward, headMask: mask, scoreScale: scoreScale)
            }
        }
        if let qz = attendedQuantizer {
            qz.project(ws.attended, rows: R, workspace: ws.quantizedAttended!, layers: [(output, y)], parameters: p)
        } else {
            output.forward(x: ws.attended, y: y, rows: R, parameters: p)
        }
    }

    /// dx = ∂ℓ/∂x (written) from dy; parameter gradients accumulate, and ∂ℓ/∂φ into `dScoreScale` [pairs].
    public func backward(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, batch B: Int,
        workspace ws: Workspace, scratch s: Scratch, parameters p: UnsafePointer<Float>,
        gradients g: UnsafeMutablePointer<Float>, call: Call,
        scoreScale: UnsafePointer<Float>? = nil, dScoreScale: UnsafeMutablePointer<Float>? = nil
    ) {
        let R = B * pattern.length, drop = dropoutOf(call)
        if let qz = attendedQuantizer, let qa = ws.quantizedAttended {
            output.backward(dy: dy, x: qa.dequantized, dx: s.dProjected, rows: R, parameters: p, gradients: g)
            qz.backward(s.dProjected, x: ws.attended, dx: s.dAttended, rows: R, workspace: qa)
        } else {
            output.backward(dy: dy, x: ws.attended, dx: s.dAttended, rows: R, parameters: p, gradients: g)
        }
        MaskedAttention.backward(
            dOut: s.dAttended, q: ws.q, k: ws.k, v: ws.v, probabilities: ws.probabilities,
            keep: drop == nil ? nil : ws.keep, dropout: drop, scratch: s.kernel,
            dq: s.dq, dk: s.dk, dv: s.dv, pattern: pattern, batch: B, heads: heads, width: width,
            accumulate: false, scoreScale: scoreScale, dScoreScale: dScoreScale)
        if let qz = inputQuantizer, let qi = ws.quantizedInput {
            let xq = UnsafePointer(qi.dequantized)
            query.backward(dy: s.dq, x: xq, dx: s.dProjected, rows: R, parameters: p, gradients: g)
            key.backward(dy: s.dk, x: xq, dx: s.dProjected, rows: R, parameters: p, gradients: g, accumulateDx: true)
            value.backward(dy: s.dv, x: xq, dx: s.dProjected, rows: R, parameters: p, gradients: g, accumulateDx: true)
            qz.backward(s.dProjected, x: x, dx: dx, rows: R, workspace: qi)
        } else {
            query.backward(dy: s.dq, x: x, dx: dx, rows: R, parameters: p, gradients: g)
            key.backward(dy: s.dk, x: x, dx: dx, rows: R, parameters: p, gradients: g, accumulateDx: true)
            value.backward(dy: s.dv, x: x, dx: dx, rows: R, parameters: p, gradients: g, accumulateDx: true)
        }
    }

    @inline(__always) func withHeadMask(_ body: (UnsafePointer<Float>?) -> Void) {
        guard let headMask else { body(nil); return }
        headMask.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
