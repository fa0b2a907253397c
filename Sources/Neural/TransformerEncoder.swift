/// Shape and options of a pre-LayerNorm transformer encoder (DESIGN.md §3).
public struct EncoderConfig: Sendable {
    public var layers: Int
    public var width: Int
    public var heads: Int = 8
    /// Attention dropout probability (training only).
    public var attentionDropout: Float = 0.1
    /// Extra LayerNorm after layer ⌊N/2⌋ when N > 1 (the ECCT reference's `norm2`).
    public var midNorm = true
    public var pattern: AttentionPattern
    public var length: Int { pattern.length }

    public init(layers: Int, width: Int, heads: Int = 8, pattern: AttentionPattern) {
        precondition(layers >= 1 && width >= 1 && heads >= 1 && width % heads == 0,
                     "EncoderConfig: \(layers) layers, width \(width), \(heads) heads (width must be a multiple of heads)")
        self.layers = layers
        self.width = width
        self.heads = heads
        self.pattern = pattern
    }
}

/// N pre-LN blocks x ← x + Attn(LN(x)), x ← x + FFN(LN(x)) with FFN = Linear(d→4d)·GELU·Linear(4d→d),
/// an optional mid LayerNorm after block ⌊N/2⌋, and a final LayerNorm. Parameters live in a shared
/// `ParameterSet` under the reference names (`<prefix>.layers.i.self_attn.linears.j.weight`, …).
///
/// x, out: [B, L, d] row-major. `forward` caches activations in an `EncoderWorkspace`; `backward`
/// accumulates parameter gradients into a buffer laid out like `ParameterSet.values`, and dx into dx.
public struct TransformerEncoder: Sendable {
    public let config: EncoderConfig
    let layerOffsets: [LayerOffsets]
    let midNormOffsets: (gamma: Int, beta: Int)?
    let finalNormOffsets: (gamma: Int, beta: Int)
    let midAfter: Int?

    struct LayerOffsets: Sendable {
        var qW = 0, qB = 0, kW = 0, kB = 0, vW = 0, vB = 0, oW = 0, oB = 0
        var f1W = 0, f1B = 0, f2W = 0, f2B = 0
        var n1G = 0, n1B = 0, n2G = 0, n2B = 0
    }

    /// Registers the parameters (Xavier-uniform weights, U(±1/√fan_in) biases, LN γ = 1, β = 0).
    public init<G: RandomNumberGenerator>(config: EncoderConfig, parameters: ParameterSet, prefix: String = "decoder",
                                          using rng: inout G) {
        self.config = config
        let d = config.width, f = 4 * d
        func linear(_ name: String, _ out: Int, _ inp: Int) -> (Int, Int) {
            let w = parameters.add("\(name).weight", shape: [out, inp],
                                   initial: Initializer.xavierUniform(fanIn: inp, fanOut: out, count: out * inp, using: &rng))
            let b = parameters.add("\(name).bias", shape: [out], initial: Initializer.bias(fanIn: inp, count: out, using: &rng))
            return (w, b)
        }
        func norm(_ name: String) -> (Int, Int) {
            (parameters.add("\(name).weight", shape: [d], initial: [Float](repeating: 1, count: d)),
             parameters.add("\(name).bias", shape: [d]))
        }
        var offsets: [LayerOffsets] = []
        for i in 0..<config.layers {
            var o = LayerOffsets()
            let p = "\(prefix).layers.\(i)"
            (o.qW, o.qB) = linear("\(p).self_attn.linears.0", d, d)
            (o.kW, o.kB) = linear("\(p).self_attn.linears.1", d, d)
            (o.vW, o.vB) = linear("\(p).self_attn.linears.2", d, d)
            (o.oW, o.oB) = linear("\(p).self_attn.linears.3", d, d)
            (o.f1W, o.f1B) = linear("\(p).feed_forward.w_1", f, d)
            (o.f2W, o.f2B) = linear("\(p).feed_forward.w_2", d, f)
            (o.n1G, o.n1B) = norm("\(p).sublayer.0.norm")
            (o.n2G, o.n2B) = norm("\(p).sublayer.1.norm")
            offsets.append(o)
        }
        layerOffsets = offsets
        finalNormOffsets = norm("\(prefix).norm")
        if config.midNorm && config.layers > 1 {
            midNormOffsets = norm("\(prefix).norm2")
            midAfter = config.layers / 2 - 1   // 0-based index of the layer it follows
        } else {
            midNormOffsets = nil
            midAfter = nil
        }
    }

    /// Activations of one batch slice.
    public func makeWorkspace(batch: Int) -> EncoderWorkspace { EncoderWorkspace(config: config, batch: batch) }

    /// out = encoder(x). `training` enables attention dropout with `seed`/`step`; `batchOffset` is the index
    /// of this slice's first sample in the whole batch (dropout decisions depend on it, not on threads).
    /// `forBackward: false` (inference only) skips caching what only `backward` reads.
    public func forward(x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, workspace ws: EncoderWorkspace,
                        parameters p: UnsafePointer<Float>, training: Bool, seed: UInt64 = 0, step: UInt64 = 0,
                        batchOffset: Int = 0, forBackward: Bool = true) {
        let c = config, B = ws.batch, L = c.length, d = c.width, R = B * L
        let dropout = training && c.attentionDropout > 0 ? Dropout(p: c.attentionDropout, seed: seed) : nil
        ws.input.update(from: x, count: R * d)
        var current = UnsafePointer(ws.input)
        for (i, o) in layerOffsets.enumerated() {
            let a = ws.layers[i]
            a.xIn.update(from: current, count: R * d)
            LayerNormKernel.forward(x: a.xIn, gamma: p + o.n1G, beta: p + o.n1B, y: a.ln1, mean: a.mean1, rstd: a.rstd1, rows: R, channels: d)
            LinearKernel.forward(x: a.ln1, weight: p + o.qW, bias: p + o.qB, y: a.q, rows: R, inFeatures: d, outFeatures: d)
            LinearKernel.forward(x: a.ln1, weight: p + o.kW, bias: p + o.kB, y: a.k, rows: R, inFeatures: d, outFeatures: d)
            LinearKernel.forward(x: a.ln1, weight: p + o.vW, bias: p + o.vB, y: a.v, rows: R, inFeatures: d, outFeatures: d)
            MaskedAttention.forward(q: a.q, k: a.k, v: a.v, out: a.att, probabilities: a.probs, keep: dropout == nil ? nil : a.keep,
                                    scratch: ws.attentionScratch,
                                    dropout: dropout, stream: step &* 1024 &+ UInt64(i), pattern: c.pattern, batch: B,
                                    heads: c.heads, width: d, batchOffset: batchOffset, storeProbabilities: forBackward)
            LinearKernel.forward(x: a.att, weight: p + o.oW, bias: p + o.oB, y: a.xMid, rows: R, inFeatures: d, outFeatures: d)
            for j in 0..<(R * d) { a.xMid[j] += a.xIn[j] }
            LayerNormKernel.forward(x: a.xMid, gamma: p + o.n2G, beta: p + o.n2B, y: a.ln2, mean: a.mean2, rstd: a.rstd2, rows: R, channels: d)
            LinearKernel.forward(x: a.ln2, weight: p + o.f1W, bias: p + o.f1B, y: a.h1, rows: R, inFeatures: d, outFeatures: 4 * d)
            Elementwise.geluForward(a.h1, a.h1g, count: R * 4 * d)
            LinearKernel.forward(x: a.h1g, weight: p + o.f2W, bias: p + o.f2B, y: a.xOut, rows: R, inFeatures: 4 * d, outFeatures: d)
            for j in 0..<(R * d) { a.xOut[j] += a.xMid[j] }
            current = UnsafePointer(a.xOut)
            if i == midAfter, let (g, b) = midNormOffsets {
                LayerNormKernel.forward(x: a.xOut, gamma: p + g, beta: p + b, y: ws.midOut, mean: ws.midMean, rstd: ws.midRstd, rows: R, channels: d)
                current = UnsafePointer(ws.midOut)
            }
        }
        ws.finalIn.update(from: current, count: R * d)
        LayerNormKernel.forward(x: ws.finalIn, gamma: p + finalNormOffsets.gamma, beta: p + finalNormOffsets.beta, y: out,
                                mean: ws.finalMean, rstd: ws.finalRstd, rows: R, channels: d)
        ws.dropout = dropout
    }

    /// Accumulates parameter gradients into `gradients` (ParameterSet layout) and, when given, dx += ∂ℓ/∂x.
    public func backward(dOut: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?, workspace ws: EncoderWorkspace,
                         parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
        let c = config, B = ws.batch, L = c.length, d = c.width, R = B * L, F = 4 * d
        // dx of the current layer's output: ws.gradA; of its xMid: ws.gradB
        let dCur = ws.gradA
        dCur.initialize(repeating: 0, count: R * d)
        LayerNormKernel.backward(dy: dOut, x: ws.finalIn, gamma: p + finalNormOffsets.gamma, mean: ws.finalMean, rstd: ws.finalRstd,
                                 dx: dCur, dGamma: g + finalNormOffsets.gamma, dBeta: g + finalNormOffsets.beta, rows: R, channels: d)
        for i in stride(from: c.layers - 1, through: 0, by: -1) {
            let a = ws.layers[i], o = layerOffsets[i]
            if i == midAfter, let (mg, mb) = midNormOffsets {
                ws.gradB.initialize(repeating: 0, count: R * d)
                LayerNormKernel.backward(dy: dCur, x: a.xOut, gamma: p + mg, mean: ws.midMean, rstd: ws.midRstd,
                                         dx: ws.gradB, dGamma: g + mg, dBeta: g + mb, rows: R, channels: d)
                dCur.update(from: ws.gradB, count: R * d)
            }
            // FFN branch: xOut = xMid + W2·gelu(W1·LN2(xMid))
            let dMid = ws.gradB
            dMid.update(from: dCur, count: R * d)
            LinearKernel.backward(dy: dCur, x: a.h1g, weight: p + o.f2W, dx: ws.gradHidden, dWeight: g + o.f2W, dBias: g + o.f2B,
                                  rows: R, inFeatures: F, outFeatures: d, accumulateDx: false)
            Elementwise.geluBackward(a.h1, ws.gradHidden, ws.gradHidden2, count: R * F, accumulate: false)
            LinearKernel.backward(dy: ws.gradHidden2, x: a.ln2, weight: p + o.f1W, dx: ws.gradLN, dWeight: g + o.f1W, dBias: g + o.f1B,
                                  rows: R, inFeatures: d, outFeatures: F, accumulateDx: false)
            LayerNormKernel.backward(dy: ws.gradLN, x: a.xMid, gamma: p + o.n2G, mean: a.mean2, rstd: a.rstd2,
                                     dx: dMid, dGamma: g + o.n2G, dBeta: g + o.n2B, rows: R, channels: d)
            // attention branch: xMid = xIn + Wo·Attn(Wq·LN1, Wk·LN1, Wv·LN1)
            dCur.update(from: dMid, count: R * d)         // residual: dxIn starts as dxMid
            LinearKernel.backward(dy: dMid, x: a.att, weight: p + o.oW, dx: ws.gradAtt, dWeight: g + o.oW, dBias: g + o.oB,
                                  rows: R, inFeatures: d, outFeatures: d, accumulateDx: false)
            MaskedAttention.backward(dOut: ws.gradAtt, q: a.q, k: a.k, v: a.v, probabilities: a.probs,
                                     keep: ws.dropout == nil ? nil : a.keep, dropout: ws.dropout, scratch: ws.attentionScratch,
                                     dq: ws.gradQ, dk: ws.gradK, dv: ws.gradV, pattern: c.pattern, batch: B, heads: c.heads, width: d,
                                     accumulate: false)
            LinearKernel.backward(dy: ws.gradQ, x: a.ln1, weight: p + o.qW, dx: ws.gradLN, dWeight: g + o.qW, dBias: g + o.qB, rows: R, inFeatures: d, outFeatures: d,
                                  accumulateDx: false)
            LinearKernel.backward(dy: ws.gradK, x: a.ln1, weight: p + o.kW, dx: ws.gradLN, dWeight: g + o.kW, dBias: g + o.kB, rows: R, inFeatures: d, outFeatures: d)
            LinearKernel.backward(dy: ws.gradV, x: a.ln1, weight: p + o.vW, dx: ws.gradLN, dWeight: g + o.vW, dBias: g + o.vB, rows: R, inFeatures: d, outFeatures: d)
            LayerNormKernel.backward(dy: ws.gradLN, x: a.xIn, gamma: p + o.n1G, mean: a.mean1, rstd: a.rstd1,
                                     dx: dCur, dGamma: g + o.n1G, dBeta: g + o.n1B, rows: R, channels: d)
        }
        if let dx { for j in 0..<(R * d) { dx[j] += dCur[j] } }
    }
}

/// Cached activations and gradient scratch for one batch slice of a `TransformerEncoder`.
public final class EncoderWorkspace: @unchecked Sendable {
    public let batch: Int
    final class Layer {
        let xIn, ln1, q, k, v, att, xMid, ln2, xOut: UnsafeMutablePointer<Float>
        let h1, h1g: UnsafeMutablePointer<Float>
        let mean1, rstd1, mean2, rstd2: UnsafeMutablePointer<Float>
        let probs, keep: UnsafeMutablePointer<Float>
        init(rows R: Int, d: Int, pairs: Int) {
            func buf(_ n: Int) -> UnsafeMutablePointer<Float> {
                let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, n)); p.initialize(repeating: 0, count: max(1, n)); return p
            }
            xIn = buf(R * d); ln1 = buf(R * d); q = buf(R * d); k = buf(R * d); v = buf(R * d); att = buf(R * d)
            xMid = buf(R * d); ln2 = buf(R * d); xOut = buf(R * d); h1 = buf(R * 4 * d); h1g = buf(R * 4 * d)
            mean1 = buf(R); rstd1 = buf(R); mean2 = buf(R); rstd2 = buf(R); probs = buf(pairs); keep = buf(pairs)
        }
        deinit { [xIn, ln1, q, k, v, att, xMid, ln2, xOut, h1, h1g, mean1, rstd1, mean2, rstd2, probs, keep].forEach { $0.deallocate() } }
    }
    let layers: [Layer]
    let input, midOut, midMean, midRstd, finalIn, finalMean, finalRstd: UnsafeMutablePointer<Float>
    let gradA, gradB, gradLN, gradAtt, gradQ, gradK, gradV, gradHidden, gradHidden2: UnsafeMutablePointer<Float>
    /// Scratch of the attention kernels, reused by every call (no allocation, no page faults per step).
    let attentionScratch: UnsafeMutablePointer<Float>
    var dropout: Dropout?
    private var owned: [UnsafeMutablePointer<Float>] = []

    init(config c: EncoderConfig, batch: Int) {
        self.batch = batch
        let R = batch * c.length, d = c.width
        layers = (0..<c.layers).map { _ in Layer(rows: R, d: d, pairs: batch * c.heads * c.pattern.pairCount) }
        var owned: [UnsafeMutablePointer<Float>] = []
        func buf(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, n)); p.initialize(repeating: 0, count: max(1, n))
            owned.append(p); return p
        }
        input = buf(R * d); midOut = buf(R * d); midMean = buf(R); midRstd = buf(R); finalIn = buf(R * d); finalMean = buf(R); finalRstd = buf(R)
        gradA = buf(R * d); gradB = buf(R * d); gradLN = buf(R * d); gradAtt = buf(R * d)
        gradQ = buf(R * d); gradK = buf(R * d); gradV = buf(R * d); gradHidden = buf(R * 4 * d); gradHidden2 = buf(R * 4 * d)
        attentionScratch = buf(MaskedAttention.scratchCount(batch: batch, heads: c.heads, width: d, pattern: c.pattern))
        self.owned = owned
    }

    deinit { owned.forEach { $0.deallocate() } }
}
