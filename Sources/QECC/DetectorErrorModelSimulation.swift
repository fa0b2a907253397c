import Base
import Channels

/// Monte Carlo logical error rate of a decoder on a detector error model: shots drawn by `DetectorErrorModelSampler`
/// (every prior multiplied by the point's factor, `--scale-p`) in numbered blocks (block b of point i draws from
/// `SeededRNG(seed).derived(i).derived(b)`), decoded, and failed when any predicted observable flip differs from the
/// sampled one. Every decoder sees the same shots at the same point index; counts do not depend on the thread count.
public struct DetectorErrorModelSimulation: Sendable {
    public let model: DetectorErrorModel
    public let config: LERConfig

    public init(model: DetectorErrorModel, config: LERConfig) {
        self.model = model
        self.config = config
    }

    /// One point: the named decoder (built for the scaled model; a neural one, which takes no priors, for the model as
    /// given, so the shipped one is found by its training priors) at prior factor `scale`. The point's `p` is the factor,
    /// its noise `.circuit`.
    public func run(
        decoder name: String, scale: Double, pointIndex: Int, progress: (@Sendable (LERPoint) -> Void)? = nil
    ) throws -> LERPoint {
        let takesPriors = !QuantumDecoders.isIndependentOfP(name)
        return try run(
            decoder: { try DetectorErrorModelDecoder(name, model: takesPriors ? $0 : model) }, scale: scale,
            pointIndex: pointIndex, progress: progress)
    }

    /// The named decoder for every prior factor of a run: built once now for the model as given (a bad name, a file
    /// trained on another model or a model that is not graphlike fails here, before any shot); one that takes no priors
    /// (`neural`, `neural:FILE`: found by the model's own priors, its weights loaded once) serves every factor as
    /// built, the others are rebuilt for each scaled model.
    public func decoders(_ name: String) throws -> (DetectorErrorModel) throws -> DetectorErrorModelDecoder {
        let built = try DetectorErrorModelDecoder(name, model: model)
        guard !QuantumDecoders.isIndependentOfP(name) else { return { _ in built } }
        return { try DetectorErrorModelDecoder(name, model: $0) }
    }

    /// The same with a decoder built by `make` for the scaled model.
    public func run(
        decoder make: (DetectorErrorModel) throws -> DetectorErrorModelDecoder, scale: Double, pointIndex: Int,
        progress: (@Sendable (LERPoint) -> Void)? = nil
    ) throws -> LERPoint {
        let point = try self.point(decoder: make, scale: scale, pointIndex: pointIndex)
        return OrderedBlocks.runPoint(
            rule: config.stopRule, threads: config.threads, template: point.template, progress: progress,
            block: point.block)
    }

    /// Shard `shard` of the point (decoders by `decoders(_:)`, `--shard i/K`): blocks b ≡ i − 1 (mod K) until its share of the stop rule; merge the
    /// K shards with `merge`.
    public func runShard(
        _ shard: BlockShard, decoder make: (DetectorErrorModel) throws -> DetectorErrorModelDecoder, scale: Double,
        pointIndex: Int
    ) throws -> ShardPoint<LERPoint> {
        let point = try self.point(decoder: make, scale: scale, pointIndex: pointIndex)
        return OrderedBlocks.runShard(
            rule: config.stopRule, shard: shard, threads: config.threads, template: point.template, block: point.block)
    }

    /// The point of one process from its shards' points (`LERPoint.merged(_:rule:)`).
    public func merge(_ shards: [ShardPoint<LERPoint>]) throws -> LERPoint {
        try LERPoint.merged(shards, rule: config.stopRule)
    }

    /// One point's template and its block b: shots drawn from (seed, point, b) alone.
    func point(decoder make: (DetectorErrorModel) throws -> DetectorErrorModelDecoder, scale: Double, pointIndex: Int)
        throws -> (template: LERPoint, block: @Sendable (Int) -> LERPoint)
    {
        let scaled = try model.scalingPriors(by: scale)
        let decoder = try make(scaled)
        let sampler = DetectorErrorModelSampler(model: scaled)
        let rule = config.stopRule
        let pointRNG = SeededRNG(seed: config.seed).derived(UInt64(pointIndex))
        let template = LERPoint(decoder: decoder.name, noise: .circuit, p: scale, q: scale, rounds: 1)
        let O = scaled.observableCount
        return (
            template,
            { b in
                let shots = rule.trials(inBlock: b)
                var rng = pointRNG.derived(UInt64(b))
                let (events, flips) = sampler.sample(count: shots, rng: &rng)
                let predictions = decoder.decode(events: events, count: shots)
                var result = template
                result.shots = shots
                for s in 0..<shots where predictions[(s * O)..<((s + 1) * O)] != flips[(s * O)..<((s + 1) * O)] {
                    result.failures += 1
                }
                return result
            }
        )
    }
}
