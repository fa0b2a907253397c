/// The parameter names of a transformer encoder, as a model family's reference code spells them. Each model
/// family keeps one table (the ECCT's is `ECCTNames` in the ECCT module), so checkpoints load by name and no
/// name is written inside the engine.
public struct EncoderNames: Sendable {
    /// Q, K, V and out projections of layer i.
    public var attention: @Sendable (_ layer: Int) -> [String]
    /// Inner (d → hidden) and outer (hidden → d) feed-forward linears of layer i.
    public var feedForward: @Sendable (_ layer: Int) -> (inner: String, outer: String)
    /// The attention and feed-forward sublayers' norms of layer i.
    public var norms: @Sendable (_ layer: Int) -> (String, String)
    public var midNorm: String
    public var finalNorm: String

    public init(
        attention: @escaping @Sendable (Int) -> [String],
        feedForward: @escaping @Sendable (Int) -> (inner: String, outer: String),
        norms: @escaping @Sendable (Int) -> (String, String), midNorm: String, finalNorm: String
    ) {
        self.attention = attention
        self.feedForward = feedForward
        self.norms = norms
        self.midNorm = midNorm
        self.finalNorm = finalNorm
    }
}
