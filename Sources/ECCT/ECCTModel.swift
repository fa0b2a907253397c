import Base
import Codes
import Foundation
import GF2
import Neural

/// The Error Correction Code Transformer (Choukroun & Wolf 2022; docs/DESIGN.md §3) for one code.
///
/// Tokens: |y_1..y_n| then the syndrome of the hard decision as ±1 (+1 = check satisfied), one per row of H
/// (all m rows, as given). Attention is masked by the Tanner graph of H (`ECCTMask`). The network is an
/// `ECCTNetwork` with the reference parameter names (`ECCTNames`), so reference checkpoints load by name.
/// Logits f: [B, n]; f > 0 means "bit not flipped", the decision is x̂ = sign(f)·sign(y).
public final class ECCTModel: @unchecked Sendable {
    public let code: LinearCode
    public let network: ECCTNetwork
    /// ECCT, or AECCT at a precision (its INT8 activation scope in `activationScope`).
    public let architecture: ECCTArchitecture
    public var layers: Int { network.encoder.config.layers }
    public var width: Int { network.width }
    public var heads: Int { network.encoder.config.heads }
    /// Tokens per word, n + m.
    public var length: Int { code.n + code.m }

    /// A freshly initialised model. Throws when the layer count is not positive or d is not a multiple of the heads.
    /// `clonedInitialBiases` (default) starts the biases as the reference code does (`EncoderConfig.clonedInitialBiases`);
    /// false draws every bias independently (the initialisation before issue 12; the weights are the same draws).
    public convenience init(
        code: LinearCode, layers: Int, width: Int, heads: Int = 8, attentionDropout: Float = 0.1,
        seed: UInt64 = 0, clonedInitialBiases: Bool = true
    ) throws {
        let config = try Self.encoderConfig(
            code: code, layers: layers, width: width, heads: heads,
            attentionDropout: attentionDropout, clonedInitialBiases: clonedInitialBiases)
        var rng = SplitMixRNG(seed: seed)
        self.init(code: code, network: ECCTNetwork(code: code, config: config, using: &rng), architecture: .ecct)
    }

    init(code: LinearCode, network: ECCTNetwork, architecture: ECCTArchitecture) {
        self.code = code
        self.network = network
        self.architecture = architecture
        network.parameters.values.withUnsafeBufferPointer { network.prepare(parameters: $0.baseAddress!) }
    }

    /// The pre-LN GELU encoder of the ECCT over the code's mask, after the checks of its sizes.
    static func encoderConfig(
        code: LinearCode, layers: Int, width: Int, heads: Int, attentionDropout: Float,
        clonedInitialBiases: Bool
    ) throws -> EncoderConfig {
        guard (1...64).contains(layers) else { throw SettingsError("ECCT: layers N = \(layers) must be in 1…64") }
        guard width >= heads, width % heads == 0, width <= 4096 else {
            throw SettingsError(
                "ECCT: width d = \(width) must be a positive multiple of the \(heads) heads (at most 4096)")
        }
        guard (0..<1).contains(attentionDropout) else {
            throw SettingsError("ECCT: attention dropout \(attentionDropout) must be in [0, 1)")
        }
        try Self.checkSize(code: code, layers: layers, width: width, heads: heads)
        var config = EncoderConfig(
            layers: layers, width: width, heads: heads, pattern: ECCTMask.pattern(parityCheck: code.H))
        config.attentionDropout = attentionDropout
        config.clonedInitialBiases = clonedInitialBiases
        return config
    }

    /// Recomputes what depends on the parameters only (the AECCT's quantised weights and spectral encoding): call it
    /// after changing `network.parameters.values` by hand. Loading and training call it themselves.
    public func prepare() {
        network.parameters.values.withUnsafeBufferPointer { network.prepare(parameters: $0.baseAddress!) }
    }

    /// Throws when the mask, the parameters or the activations of a 32-word chunk would exceed `TransformerBudget`'s
    /// limits, saying what they need.
    static func checkSize(code: LinearCode, layers: Int, width: Int, heads: Int) throws {
        var budget = TransformerBudget(
            model: "ECCT for \(code.name)", tokens: code.n + code.m, pairs: ECCTMask.pairBound(parityCheck: code.H),
            layers: layers, width: width, heads: heads)
        budget.outputs = code.n
        try budget.check()
    }

    /// Load reference-named weights; every tensor must be present with the shape this code and size need.
    /// Tensors named `optimizer.*` (training state in our checkpoints) are skipped.
    public func load(weightsAt path: String) throws {
        let (tensors, _) = try SafeTensors.read(path: path)
        try load(tensors, source: path)
    }

    public func load(_ tensors: [String: SafeTensors.Tensor], source: String) throws {
        try network.parameters.load(tensors, source: source, ignoring: { $0.hasPrefix("optimizer.") })
        prepare()
    }

    /// A model sized from reference-named weights (d from `src_embed`, N from the `decoder.layers.i` names),
    /// loaded. `layers`/`width`, when given, must agree with the file. Throws when the file is malformed or
    /// its shapes do not fit the code.
    /// An AECCT file (it holds an `lpe` table) loads as an AECCT at `precision` (default: what the file holds) with
    /// INT8 scales of `scope`; `precision` on an ECCT file is an error.
    public static func load(
        code: LinearCode, weightsAt path: String, layers: Int? = nil, width: Int? = nil,
        attentionDropout: Float = 0.1, precision: AECCTPrecision? = nil,
        scope: ActivationQuantization.Scope = .token
    ) throws -> ECCTModel {
        try load(
            code: code, tensors: try SafeTensors.read(path: path).tensors, source: path, layers: layers, width: width,
            attentionDropout: attentionDropout, precision: precision, scope: scope)
    }

    /// The same from tensors already read (`source` names them in errors).
    public static func load(
        code: LinearCode, tensors: [String: SafeTensors.Tensor], source path: String, layers: Int? = nil,
        width: Int? = nil, attentionDropout: Float = 0.1, precision: AECCTPrecision? = nil,
        scope: ActivationQuantization.Scope = .token
    ) throws -> ECCTModel {
        if aecctPrecision(of: tensors) != nil || tensors["\(ECCTNames.spectralProjection).weight"] != nil {
            return try loadAECCT(
                code: code, tensors: tensors, source: path, precision: precision, scope: scope, layers: layers,
                width: width, attentionDropout: attentionDropout)
        }
        if let precision {
            throw CheckpointError(
                "\(path): an ECCT file (no '\(ECCTNames.spectralTable)' table) cannot run as AECCT \(precision.rawValue)"
            )
        }
        let (fileLayers, fileWidth) = try size(of: tensors, code: code, source: path)
        if let layers, layers != fileLayers {
            throw CheckpointError("\(path): the weights have N = \(fileLayers) layers, --layers says \(layers)")
        }
        if let width, width != fileWidth {
            throw CheckpointError("\(path): the weights have d = \(fileWidth), --dim says \(width)")
        }
        let model = try ECCTModel(code: code, layers: fileLayers, width: fileWidth, attentionDropout: attentionDropout)
        try model.load(tensors, source: path)
        return model
    }

    /// (N, d) of reference-named weights for this code.
    static func size(of tensors: [String: SafeTensors.Tensor], code: LinearCode, source: String) throws -> (
        layers: Int, width: Int
    ) {
        let name = ECCTNames.embedding
        guard let embed = tensors[name] else { throw CheckpointError("\(source): missing tensor '\(name)'") }
        guard embed.shape.count == 2 else {
            throw CheckpointError("\(source): '\(name)' has shape \(embed.shape), expected [n+m, d]")
        }
        let L = code.n + code.m
        guard embed.shape[0] == L else {
            throw CheckpointError(
                "\(source): '\(name)' has \(embed.shape[0]) tokens but \(code.name) has n + m = \(code.n) + \(code.m) = \(L)"
            )
        }
        var layers = 0
        while tensors[ECCTNames.layerProbe(layers)] != nil { layers += 1 }
        guard layers > 0 else { throw CheckpointError("\(source): no tensor '\(ECCTNames.layerProbe(0))'") }
        return (layers, embed.shape[1])
    }

    /// Tokens [B, n+m] from channel outputs y [B, n]: |y| then the ±1 syndrome of the hard decision (y < 0 ↦ 1).
    public func tokens(channelOutput y: UnsafePointer<Float>, batch B: Int, into tokens: UnsafeMutablePointer<Float>) {
        network.tokens(channelOutput: y, batch: B, into: tokens)
    }

    /// Logits [B, n] in evaluation mode of channel outputs y [B, n]: `logits(magnitude:syndrome:)` of their tokens.
    public func logits(
        channelOutput y: [Float], batch B: Int, threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> [Float] {
        let n = code.n, m = code.m, L = n + m
        precondition(y.count == B * n, "ECCT.logits: \(y.count) channel outputs for batch \(B)")
        var tokens = [Float](repeating: 0, count: B * L)
        y.withUnsafeBufferPointer { yp in
            tokens.withUnsafeMutableBufferPointer {
                self.tokens(channelOutput: yp.baseAddress!, batch: B, into: $0.baseAddress!)
            }
        }
        var magnitude = [Float](repeating: 0, count: B * n), syndrome = [Float](repeating: 0, count: B * m)
        for b in 0..<B {
            for j in 0..<n { magnitude[b * n + j] = tokens[b * L + j] }
            for c in 0..<m { syndrome[b * m + c] = tokens[b * L + n + c] }
        }
        return logits(magnitude: magnitude, syndrome: syndrome, batch: B, threads: threads)
    }

    /// Logits [B, n] in evaluation mode (no dropout) from magnitude [B, n] and syndrome [B, m] (±1), for any B:
    /// chunks of `chunk` words on all cores with pooled workspaces (memory independent of B). Magnitudes are
    /// clamped to `ECCTNetwork.maxMagnitude`; the logits can still be non-finite when the weights overflow.
    public func logits(
        magnitude: [Float], syndrome: [Float], batch B: Int, chunk: Int = 32,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> [Float] {
        let n = code.n, m = code.m, L = n + m
        precondition(
            magnitude.count == B * n && syndrome.count == B * m,
            "ECCT.logits: magnitude \(magnitude.count) and syndrome \(syndrome.count) values for batch \(B)")
        prepare()
        // the reference's batch-wide activation scales: every word in one pass
        let chunk =
            architecture == .aecct(.qat, .tensor) || architecture == .aecct(.frozen, .tensor) ? max(B, 1) : chunk
        var out = [Float](repeating: 0, count: B * n)
        let pool = WorkspacePool { [network] in network.makeWorkspace(batch: chunk) }
        let network = self.network
        network.parameters.values.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                let shared = UnsafeSendable(
                    (p: p.baseAddress!, o: o.baseAddress!, magnitude: magnitude, syndrome: syndrome))
                ChunkedWork.run(count: B, chunk: chunk, threads: threads) { start, size in
                    let s = shared.value
                    pool.with { ws in
                        // a short last chunk is padded with copies of its first word
                        for b in 0..<chunk {
                            let src = start + (b < size ? b : 0)
                            for j in 0..<n { ws.scalars[b * L + j] = ECCTNetwork.magnitude(s.magnitude[src * n + j]) }
                            for i in 0..<m { ws.scalars[b * L + n + i] = s.syndrome[src * m + i] }
                        }
                        network.forward(
                            scalars: ws.scalars, logits: ws.logits, workspace: ws, parameters: s.p,
                            call: .init(training: false, forBackward: false))
                        (s.o + start * n).update(from: ws.logits, count: size * n)
                    }
                }
            }
        }
        return out
    }
}
