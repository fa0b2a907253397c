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
    public var layers: Int { network.encoder.config.layers }
    public var width: Int { network.width }

    /// A freshly initialised model. Throws when d is not a multiple of 8 (the 8 heads).
    public init(code: LinearCode, layers: Int, width: Int, heads: Int = 8, seed: UInt64 = 0) throws {
        guard layers >= 1 else { throw CheckpointError("ECCT: layers must be at least 1, got \(layers)") }
        guard width >= heads, width % heads == 0 else {
            throw CheckpointError("ECCT: width d = \(width) must be a positive multiple of the \(heads) heads")
        }
        let mask = AttentionMask(parityCheck: code.H)
        var config = EncoderConfig(layers: layers, width: width, heads: heads,
                                   pattern: AttentionPattern(allowed: mask.allowed, length: mask.size))
        config.attentionDropout = 0.1
        var rng = SplitMixRNG(seed: seed)
        self.code = code
        self.network = ScalarTokenTransformer(config: config, outputs: code.n, using: &rng)
    }

    /// Load reference-named weights; every tensor must be present with the shape this code and size need.
    public func load(weightsAt path: String) throws {
        let (tensors, _) = try SafeTensors.read(path: path)
        try network.parameters.load(tensors, source: path)
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
        network.forward(input: tokens, logits: &out, workspace: ws, parameters: network.parameters.values, training: false)
        return out
    }
}

/// SplitMix64 as a `RandomNumberGenerator`, for seeded initialisation.
public struct SplitMixRNG: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
