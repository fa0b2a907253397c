import Base
import Codes
import Neural

/// The ECCT network (Choukroun & Wolf 2022; docs/DESIGN.md §3) assembled from the engine's blocks:
///
///   tokens[b, l, :] = s[b, l] · E[l, :]         s = (|y_1..y_n|, syndrome ±1)       `ScalarTokenEmbedding`
///   h = Encoder(tokens)                           pre-LN, GELU, Tanner-graph mask     `TransformerEncoder`
///   logits[b, :] = head(h)                        Linear(d → 1), Linear(n+m → n)     `TwoStageHead`
///
/// The AECCT (docs/DESIGN.md §6) is a configuration of the same network: post-LN, ReLU, HPSA head flags and ternary
/// linears in the `EncoderConfig`, and a spectral positional encoding: with a Laplacian table the embedding is d − 8
/// wide and each token's last 8 columns hold the SPE of its node (`SpectralEncodingLayer`, computed in `prepare`).
///
/// As a `TrainableNetwork` its raw input is the channel output y [n] (it tokenises y itself), its target the
/// flip indicator in BCE(f, 1 − flip) form, and its loss the BCE mean over the batch. Other ECCT-family models
/// are other configurations of the same blocks (`EncoderConfig`: norm placement, activation, head mask).
public final class ECCTNetwork: TrainableNetwork, @unchecked Sendable {
    public let n: Int
    public let m: Int
    public let embedding: ScalarTokenEmbedding
    public let encoder: TransformerEncoder
    public let head: TwoStageHead
    /// The AECCT's spectral encoding and its (λ_j, u_j[i]) table [L, L, 2], or nil / empty.
    public let spectral: SpectralEncodingLayer?
    public let spectralTable: [Float]
    public let parameters: ParameterSet
    let graph: TannerGraph
    /// The spectral encoding [L, C] of the parameters of the last `prepare`.
    let spectralCache: UnsafeMutablePointer<Float>
    public var length: Int { n + m }
    public var width: Int { encoder.config.width }
    public var inputWidth: Int { n }
    public var targetWidth: Int { n }
    public var outputWidth: Int { n }

    /// Registers embedding, encoder, head (and `lpe_proj` when a spectral table [L, L, 2] is given) in the reference
    /// order, drawing the initial values from `rng`.
    public init<G: RandomNumberGenerator>(
        code: LinearCode, config: EncoderConfig, spectralTable: [Float]? = nil,
        using rng: inout G
    ) {
        precondition(
            config.length == code.n + code.m,
            "ECCTNetwork: pattern of \(config.length) tokens for n + m = \(code.n + code.m)")
        let p = ParameterSet(), L = config.length, C = Self.spectralChannels
        precondition(
            spectralTable.map { $0.count == L * L * 2 && config.width > C } ?? true,
            "ECCTNetwork: a spectral table needs [L, L, 2] entries and d > \(C)")
        n = code.n
        m = code.m
        graph = code.tannerGraph
        let embeddingWidth = spectralTable == nil ? config.width : config.width - C
        embedding = ScalarTokenEmbedding(p, name: ECCTNames.embedding, length: L, width: embeddingWidth, using: &rng)
        encoder = TransformerEncoder(config: config, parameters: p, names: ECCTNames.encoder, using: &rng)
        head = TwoStageHead(p, names: ECCTNames.head, width: config.width, length: L, outputs: code.n, using: &rng)
        spectral =
            spectralTable == nil
            ? nil
            : SpectralEncodingLayer(
                p, name: ECCTNames.spectralProjection, length: L,
                channels: C, using: &rng)
        self.spectralTable = spectralTable ?? []
        spectralCache = .allocate(capacity: L * C)
        spectralCache.initialize(repeating: 0, count: L * C)
        parameters = p
    }

    deinit { spectralCache.deallocate() }

    /// Channels of the AECCT's spectral encoding (the reference's `lpe_dim`).
    public static let spectralChannels = 8

    public func prepare(parameters p: UnsafePointer<Float>) {
        if let spectral {
            spectralTable.withUnsafeBufferPointer {
                spectral.forward(table: $0.baseAddress!, spe: spectralCache, parameters: p)
            }
        }
        encoder.config.quantization?.weights.prepare(parameters: p)
    }

    public var auxiliaryGradientCount: Int { spectral == nil ? 0 : length * Self.spectralChannels }

    public func finishGradients(parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
        if let spectral {
            spectralTable.withUnsafeBufferPointer {
                spectral.backward(table: $0.baseAddress!, dSpe: g + parameters.count, parameters: p, gradients: g)
            }
        }
        encoder.config.quantization?.weights.finishGradients(parameters: p, gradients: g)
    }

    /// Activations of one batch slice.
    public final class Workspace: @unchecked Sendable {
        public let batch: Int
        let arena = Arena()
        let encoder: EncoderWorkspace
        let head: TwoStageHead.Workspace
        let scalars, tokens, hidden, dHidden, dTokens, dLogits, logits: UnsafeMutablePointer<Float>
        /// Floats held (encoder included).
        public var floats: Int { arena.floats + encoder.floats }
        init(network e: ECCTNetwork, batch B: Int) {
            batch = B
            let R = B * e.length, d = e.width
            encoder = e.encoder.makeWorkspace(batch: B)
            head = .init(batch: B, length: e.length, arena: arena)
            scalars = arena.take(R); tokens = arena.take(R * d); hidden = arena.take(R * d)
            dHidden = arena.take(R * d); dTokens = arena.take(R * d); dLogits = arena.take(B * e.n);
            logits = arena.take(B * e.n)
        }
    }

    public func makeWorkspace(batch: Int) -> Workspace { Workspace(network: self, batch: batch) }

    /// The largest magnitude token: |y| is clamped to it (NaN counts as 0). A channel output a million times the
    /// signal carries no more information, and beyond ~1e19 the LayerNorm variances would overflow Float.
    public static let maxMagnitude: Float = 1e6

    @inline(__always) static func magnitude(_ y: Float) -> Float {
        let a = abs(y); return a.isNaN ? 0 : min(a, maxMagnitude)
    }

    /// Scalar tokens [B, n+m] from channel outputs y [B, n]: |y| (clamped to `maxMagnitude`) then the ±1 syndrome
    /// of the hard decision (y < 0 ↦ 1).
    public func tokens(channelOutput y: UnsafePointer<Float>, batch B: Int, into tokens: UnsafeMutablePointer<Float>) {
        let L = length
        for b in 0..<B {
            let yb = y + b * n, tb = tokens + b * L
            for j in 0..<n { tb[j] = Self.magnitude(yb[j]) }
            for c in 0..<m {
                var parity = false
                for e in graph.checkEdgeStart[c]..<graph.checkEdgeStart[c + 1] where yb[graph.edgeVariable[e]] < 0 {
                    parity.toggle()
                }
                tb[n + c] = parity ? -1 : 1
            }
        }
    }

    /// logits [B, n] from scalar tokens [B, n+m] (B = the workspace's batch).
    public func forward(
        scalars: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>, workspace ws: Workspace,
        parameters p: UnsafePointer<Float>, call: MultiHeadAttention.Call
    ) {
        let B = ws.batch, L = length, d = width, C = Self.spectralChannels
        embedding.forward(input: scalars, tokens: ws.tokens, batch: B, parameters: p, stride: d)
        if spectral != nil {
            for r in 0..<(B * L) { (ws.tokens + r * d + d - C).update(from: spectralCache + (r % L) * C, count: C) }
        }
        encoder.forward(x: ws.tokens, out: ws.hidden, workspace: ws.encoder, parameters: p, call: call)
        head.forward(h: ws.hidden, logits: logits, batch: B, workspace: ws.head, parameters: p)
    }

    /// Accumulates parameter gradients from dLogits [B, n] (after `forward` on the same workspace).
    public func backward(
        scalars: UnsafePointer<Float>, dLogits: UnsafePointer<Float>, workspace ws: Workspace,
        parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>
    ) {
        let B = ws.batch, R = B * length
        head.backward(
            dLogits: dLogits, h: ws.hidden, dh: ws.dHidden, batch: B, workspace: ws.head, parameters: p, gradients: g)
        ws.dTokens.initialize(repeating: 0, count: R * width)
        encoder.backward(dOut: ws.dHidden, dx: ws.dTokens, workspace: ws.encoder, parameters: p, gradients: g)
        embedding.backward(
            input: scalars, dTokens: ws.dTokens, dInput: nil, batch: B, parameters: p, gradients: g, stride: width)
        if spectral != nil {
            let L = length, d = width, C = Self.spectralChannels
            // ∂ℓ/∂SPE summed over the slice into the auxiliary gradient floats; `finishGradients` runs the SPE backward
            let dSpe = g + parameters.count
            for r in 0..<(B * L) {
                let src = ws.dTokens + r * d + d - C, dst = dSpe + (r % L) * C
                for a in 0..<C { dst[a] += src[a] }
            }
        }
    }

    public func trainSlice(
        _ s: TrainingSlice, workspace ws: Workspace, parameters p: UnsafePointer<Float>,
        gradients g: UnsafeMutablePointer<Float>
    ) -> Double {
        tokens(channelOutput: s.input, batch: s.count, into: ws.scalars)
        forward(
            scalars: ws.scalars, logits: s.logits, workspace: ws, parameters: p,
            call: .init(training: true, seed: s.seed, step: s.step, batchOffset: s.batchOffset))
        let share = BCEWithLogits.share(
            logits: s.logits, targets: s.targets, dz: ws.dLogits, count: s.count * n,
            total: s.batchSize * n)
        backward(scalars: ws.scalars, dLogits: ws.dLogits, workspace: ws, parameters: p, gradients: g)
        return share
    }

    public func infer(
        input y: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>, count: Int, workspace ws: Workspace,
        parameters p: UnsafePointer<Float>
    ) {
        precondition(count == ws.batch, "ECCTNetwork.infer: \(count) words for a workspace of \(ws.batch)")
        tokens(channelOutput: y, batch: count, into: ws.scalars)
        forward(
            scalars: ws.scalars, logits: logits, workspace: ws, parameters: p,
            call: .init(training: false, forBackward: false))
    }
}
