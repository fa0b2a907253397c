import Base
import Codes
import GF2
import Neural

/// The Error Correction Code Transformer (Choukroun & Wolf 2022; DESIGN.md §3) for one code.
///
/// Tokens: |y_1..y_n| then the syndrome of the hard decision as ±1 (+1 = check satisfied), one per row of H
/// (all m rows, as given). Attention is masked by the Tanner graph of H (`AttentionMask`). The network is a
/// `ScalarTokenTransformer` with the reference parameter names, so reference checkpoints load by name.
/// Logits f: [B, n]; f > 0 means "bit not flipped", the decision is x̂ = sign(f)·sign(y).
public final class ECCTModel: @unchecked Sendable {
    public let code: LinearCode
    public let network: ScalarTokenTransformer
    let graph: TannerGraph
    public var layers: Int { network.encoder.config.layers }
    public var width: Int { network.width }
    /// Tokens per word, n + m.
    public var length: Int { code.n + code.m }

    /// A freshly initialised model. Throws when the layer count is not positive or d is not a multiple of 8.
    public init(code: LinearCode, layers: Int, width: Int, heads: Int = 8, attentionDropout: Float = 0.1,
                seed: UInt64 = 0) throws {
        guard (1...64).contains(layers) else { throw CheckpointError("ECCT: layers N = \(layers) must be in 1…64") }
        guard width >= heads, width % heads == 0, width <= 4096 else {
            throw CheckpointError("ECCT: width d = \(width) must be a positive multiple of the \(heads) heads (at most 4096)")
        }
        guard (0..<1).contains(attentionDropout) else {
            throw CheckpointError("ECCT: attention dropout \(attentionDropout) must be in [0, 1)")
        }
        let mask = AttentionMask(parityCheck: code.H)
        var config = EncoderConfig(layers: layers, width: width, heads: heads,
                                   pattern: AttentionPattern(allowed: mask.allowed, length: mask.size))
        config.attentionDropout = attentionDropout
        var rng = SplitMixRNG(seed: seed)
        self.code = code
        self.graph = code.tannerGraph
        self.network = ScalarTokenTransformer(config: config, outputs: code.n, using: &rng)
    }

    /// Load reference-named weights; every tensor must be present with the shape this code and size need.
    /// Tensors named `optimizer.*` (training state in our checkpoints) are skipped.
    public func load(weightsAt path: String) throws {
        let (tensors, _) = try SafeTensors.read(path: path)
        try load(tensors, source: path)
    }

    public func load(_ tensors: [String: SafeTensors.Tensor], source: String) throws {
        try network.parameters.load(tensors, source: source, ignoring: { $0.hasPrefix("optimizer.") })
    }

    /// A model sized from reference-named weights (d from `src_embed`, N from the `decoder.layers.i` names),
    /// loaded. `layers`/`width`, when given, must agree with the file. Throws when the file is malformed or
    /// its shapes do not fit the code.
    public static func load(code: LinearCode, weightsAt path: String, layers: Int? = nil, width: Int? = nil,
                            attentionDropout: Float = 0.1) throws -> ECCTModel {
        let (tensors, _) = try SafeTensors.read(path: path)
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
    static func size(of tensors: [String: SafeTensors.Tensor], code: LinearCode, source: String) throws -> (layers: Int, width: Int) {
        guard let embed = tensors["src_embed"] else { throw CheckpointError("\(source): missing tensor 'src_embed'") }
        guard embed.shape.count == 2 else { throw CheckpointError("\(source): 'src_embed' has shape \(embed.shape), expected [n+m, d]") }
        let L = code.n + code.m
        guard embed.shape[0] == L else {
            throw CheckpointError("\(source): 'src_embed' has \(embed.shape[0]) tokens but \(code.name) has n + m = \(code.n) + \(code.m) = \(L)")
        }
        var layers = 0
        while tensors["decoder.layers.\(layers).self_attn.linears.0.weight"] != nil { layers += 1 }
        guard layers > 0 else { throw CheckpointError("\(source): no 'decoder.layers.0.*' tensors") }
        return (layers, embed.shape[1])
    }

    /// Tokens [B, n+m] from channel outputs y [B, n]: |y| then the ±1 syndrome of the hard decision (y < 0 ↦ 1).
    public func tokens(channelOutput y: UnsafePointer<Float>, batch B: Int, into tokens: UnsafeMutablePointer<Float>) {
        let n = code.n, m = code.m, L = n + m
        for b in 0..<B {
            let yb = y + b * n, tb = tokens + b * L
            for j in 0..<n { tb[j] = abs(yb[j]) }
            for c in 0..<m {
                var parity = false
                for e in graph.checkEdgeStart[c]..<graph.checkEdgeStart[c + 1] where yb[graph.edgeVariable[e]] < 0 { parity.toggle() }
                tb[n + c] = parity ? -1 : 1
            }
        }
    }

    /// Logits [B, n] in evaluation mode (no dropout) from magnitude [B, n] and syndrome [B, m] (±1).
    public func logits(magnitude: [Float], syndrome: [Float], batch B: Int) -> [Float] {
        let n = code.n, m = code.m, L = n + m
        precondition(magnitude.count == B * n && syndrome.count == B * m,
                     "ECCT.logits: magnitude \(magnitude.count) and syndrome \(syndrome.count) values for batch \(B)")
        var tokens = [Float](repeating: 0, count: B * L)
        for b in 0..<B {
            for j in 0..<n { tokens[b * L + j] = magnitude[b * n + j] }
            for i in 0..<m { tokens[b * L + n + i] = syndrome[b * m + i] }
        }
        var out = [Float](repeating: 0, count: B * n)
        let ws = network.makeWorkspace(batch: B)
        network.forward(input: tokens, logits: &out, workspace: ws, parameters: network.parameters.values, training: false,
                        forBackward: false)
        return out
    }
}
