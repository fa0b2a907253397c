import Neural

/// The ECCT as a decoder.
public typealias ECCTDecoder = NeuralDecoder<ECCTNetwork>

extension NeuralDecoder where Network == ECCTNetwork {
    public init(model: ECCTModel, name: String = "ecct", chunk: Int = 32) {
        self.init(network: model.network, name: name, chunk: chunk)
    }
}
