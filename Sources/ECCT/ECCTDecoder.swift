import Neural

/// The ECCT as a decoder.
public typealias ECCTDecoder = NeuralDecoder<ECCTNetwork>

extension NeuralDecoder where Network == ECCTNetwork {
    /// Words one forward pass takes (`chunk`, unless given): 16, so a chunk's activations (the feed-forward's
    /// [16·(n + m), 4d] among them) stay in a core's second-level cache — the chunk size does not change a word's
    /// output, and on the AMD EPYC machine 16 decodes 1.2× (ECCT) to 1.6× (frozen AECCT) faster than 32; but 32 for
    /// an AECCT with the reference's batch-wide (`tensor`) activation scales, whose scale groups are 32-word chunks.
    public static func defaultChunk(for model: ECCTModel) -> Int {
        switch model.architecture {
        case .aecct(_, .tensor): return 32
        default: return 16
        }
    }

    /// `gatesCodewords`: words whose hard decision is a codeword skip the network (for a model trained on non-zero
    /// syndromes only: `ECCTCheckpoint.trainedOnNonzeroSyndromesOnly`).
    public init(model: ECCTModel, name: String = "ecct", chunk: Int? = nil, gatesCodewords: Bool = false) {
        self.init(
            network: model.network, name: name, chunk: chunk ?? Self.defaultChunk(for: model),
            codewordGate: gatesCodewords ? model.code.tannerGraph : nil)
    }
}
