import Base
import Channels
import Codes
import Foundation

/// Stopping rule and resources of a logical-error-rate run (as `MonteCarloConfig` for classical codes).
public struct LERConfig: Sendable {
    /// Stop once both minimums are met …
    public var minFailures = 100
    public var minShots = 10_000
    /// … or at this many shots.
    public var maxShots = 1_000_000
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var seed: UInt64 = 1
    /// Shots per work unit; each block has its own random stream, so counts do not depend on threads.
    public var blockSize = 256
    /// Draw each round's error again while it is zero (the DQEC scripts); off by default.
    public var nonzeroOnly = false
    public init() {}

    /// The stop rule and block size as the shared `StopRule`.
    public var stopRule: StopRule {
        get { StopRule(minErrors: minFailures, minTrials: minShots, maxTrials: maxShots, blockSize: blockSize) }
        set { (minFailures, minShots, maxShots, blockSize) = newValue.fields }
    }

    /// Exactly `shots` shots a point (no failure minimum): the same shots for every decoder, as tests and tables want.
    public init(shots: Int, seed: UInt64) {
        minFailures = 0; minShots = shots; maxShots = shots; self.seed = seed
    }
}

/// Counts of one (decoder, p) point.
public struct LERPoint: BlockTally, Codable, Equatable {
    public var decoder: String
    public var noise: PauliNoise
    public var p: Double
    public var q: Double
    public var rounds: Int
    public var shots = 0
    public var failures = 0
    public var seconds: Double = 0

    public init(decoder: String, noise: PauliNoise, p: Double, q: Double, rounds: Int) {
        self.decoder = decoder; self.noise = noise; self.p = p; self.q = q; self.rounds = rounds
    }

    public var ler: Double { shots > 0 ? Double(failures) / Double(shots) : .nan }
    public var lerInterval: Interval { Statistics.wilson(errors: failures, trials: shots) }
    public var shotsPerSecond: Double { seconds > 0 ? Double(shots) / seconds : 0 }

    public mutating func add(_ other: LERPoint) { shots += other.shots; failures += other.failures }

    /// The point of one process from its shards' points under `rule` (`OrderedBlocks.merge(_:rule:template:)`): the
    /// shards carry every block's tally, so a merge needs neither the code nor the model.
    public static func merged(_ shards: [ShardPoint<LERPoint>], rule: StopRule) throws -> LERPoint {
        guard let t = shards.first?.total else { throw ShardError("no shard to merge") }
        let template = LERPoint(decoder: t.decoder, noise: t.noise, p: t.p, q: t.q, rounds: t.rounds)
        return try OrderedBlocks.merge(shards, rule: rule, template: template)
    }
}

/// Monte Carlo logical error rate of a decoder: shots drawn by `NoiseSampler` in numbered blocks (block b of point
/// i draws from `SeededRNG(seed).derived(i).derived(b)`), decoded, and judged by the residual's logical flips.
/// Every decoder sees the same shots at the same point index; the counts do not depend on the thread count.
public struct LogicalErrorSimulation: Sendable {
    public let problem: DecodingProblem
    public let config: LERConfig

    public init(problem: DecodingProblem, config: LERConfig) {
        self.problem = problem
        self.config = config
    }

    public func run(
        decoder: any QuantumDecoder, p: Double, q: Double? = nil, pointIndex: Int,
        progress: (@Sendable (LERPoint) -> Void)? = nil
    ) throws -> LERPoint {
        let point = try self.point(decoder: decoder, p: p, q: q, pointIndex: pointIndex)
        return OrderedBlocks.runPoint(
            rule: config.stopRule, threads: config.threads, template: point.template, progress: progress,
            block: point.block)
    }

    /// A job array's task: the shard's blocks of one point (`OrderedBlocks.runShard(rule:…)`), for `merge`.
    public func runShard(_ shard: BlockShard, decoder: any QuantumDecoder, p: Double, q: Double? = nil, pointIndex: Int)
        throws -> ShardPoint<LERPoint>
    {
        let point = try self.point(decoder: decoder, p: p, q: q, pointIndex: pointIndex)
        return OrderedBlocks.runShard(
            rule: config.stopRule, shard: shard, threads: config.threads, template: point.template, block: point.block)
    }

    /// The point of one process from its shards' points (`LERPoint.merged(_:rule:)`).
    public func merge(_ shards: [ShardPoint<LERPoint>]) throws -> LERPoint {
        try LERPoint.merged(shards, rule: config.stopRule)
    }

    /// One point's template and its block b: shots drawn from (seed, point, b) alone.
    func point(decoder: any QuantumDecoder, p: Double, q: Double?, pointIndex: Int) throws -> (
        template: LERPoint, block: @Sendable (Int) -> LERPoint
    ) {
        let sampler = try NoiseSampler(problem: problem, p: p, q: q, nonzeroOnly: config.nonzeroOnly)
        let problem = self.problem, rule = config.stopRule
        let pointRNG = SeededRNG(seed: config.seed).derived(UInt64(pointIndex))
        let template = LERPoint(decoder: decoder.name, noise: problem.noise, p: p, q: sampler.q, rounds: problem.rounds)
        let supports = problem.logicalSupports
        let block: @Sendable (Int) -> LERPoint = { b in
            let shots = rule.trials(inBlock: b)
            var rng = pointRNG.derived(UInt64(b))
            let N = problem.errorLength, D = problem.rounds * problem.syndromeLength
            var errors = [UInt8](repeating: 0, count: shots * N), corrections = errors
            var detections = [UInt8](repeating: 0, count: shots * D)
            errors.withUnsafeMutableBufferPointer { e in
                detections.withUnsafeMutableBufferPointer {
                    sampler.sample(count: shots, rng: &rng, errors: e, detections: $0)
                }
            }
            detections.withUnsafeBufferPointer { d in
                corrections.withUnsafeMutableBufferPointer { decoder.decode(detections: d, count: shots, into: $0) }
            }
            var result = template
            result.shots = shots
            errors.withUnsafeBufferPointer { e in
                corrections.withUnsafeBufferPointer { c in
                    for s in 0..<shots
                    where NoiseSampler.logicalFailure(
                        error: e.baseAddress! + s * N, correction: c.baseAddress! + s * N,
                        logicalSupports: supports)
                    {
                        result.failures += 1
                    }
                }
            }
            return result
        }
        return (template, block)
    }
}

extension LERPoint: ShardableTally {
    public var trials: Int {
        get { shots }
        set { shots = newValue }
    }
    public var errorCount: Int { failures }
    public var isErrorFree: Bool { failures == 0 }
}
