import Base
import Codes
import Foundation
import GF2

/// Stopping rule and resources of a Monte Carlo run.
public struct MonteCarloConfig: Sendable {
    /// Stop once both minimums are met …
    public var minErrors: Int = 100
    public var minFrames: Int = 10_000
    /// … or at this many frames.
    public var maxFrames: Int = 1_000_000
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    public var seed: UInt64 = 1
    /// Frames per work unit. Each block has its own random stream, so counts do not depend on threads.
    public var blockSize: Int = 256
    /// Use the scalar reference Gaussian twin (see `Channel.referenceNoise`).
    public var referenceNoise = false

    public init() {}

    /// The stop rule and block size as the shared `StopRule`.
    public var stopRule: StopRule {
        get { StopRule(minErrors: minErrors, minTrials: minFrames, maxTrials: maxFrames, blockSize: blockSize) }
        set { (minErrors, minFrames, maxFrames, blockSize) = newValue.fields }
    }

    /// Exactly `frames` frames a point (no error minimum): the same frames for every decoder.
    public init(frames: Int, seed: UInt64 = 1) {
        minErrors = 0; minFrames = frames; maxFrames = frames; self.seed = seed
    }
}

/// Counts of one (decoder, operating point) simulation.
public struct PointResult: BlockTally, Codable, Equatable {
    public var decoder: String
    public var channel: ChannelModel
    /// Eb/N0 (dB) for AWGN, p for BSC, ε for BEC.
    public var parameter: Double
    public var frames: Int = 0
    public var frameErrors: Int = 0
    public var bitErrors: Int = 0
    /// Σ over frames of (bit errors in the frame)², for the BER interval.
    public var bitErrorSquares: Double = 0
    /// Frames whose decoded word is a codeword other than the transmitted one and more likely than it.
    public var mlErrors: Int = 0
    public var seconds: Double = 0
    public var n: Int

    public init(decoder: String, channel: ChannelModel, parameter: Double, n: Int) {
        self.decoder = decoder
        self.channel = channel
        self.parameter = parameter
        self.n = n
    }

    public var ber: Double { frames > 0 ? Double(bitErrors) / (Double(frames) * Double(n)) : .nan }
    public var fer: Double { frames > 0 ? Double(frameErrors) / Double(frames) : .nan }
    /// −ln(BER), the headline metric of the neural-decoding papers (natural log).
    public var negLnBER: Double { -Foundation.log(ber) }
    /// Lower bound on the maximum-likelihood FER (see `mlErrors`).
    public var mlLowerFER: Double { frames > 0 ? Double(mlErrors) / Double(frames) : .nan }
    public var framesPerSecond: Double { seconds > 0 ? Double(frames) / seconds : 0 }
    public var ferInterval: Interval { Statistics.wilson(errors: frameErrors, trials: frames) }
    public var berInterval: Interval {
        Statistics.berInterval(bitErrors: bitErrors, sumSquares: bitErrorSquares, frames: frames, n: n)
    }
    /// 95% interval of −ln(BER) (the BER interval's ends, transformed).
    public var negLnBERInterval: Interval {
        let b = berInterval
        return Interval(lower: -Foundation.log(b.upper), upper: b.lower > 0 ? -Foundation.log(b.lower) : .infinity)
    }

    public mutating func add(_ other: PointResult) {
        frames += other.frames
        frameErrors += other.frameErrors
        bitErrors += other.bitErrors
        bitErrorSquares += other.bitErrorSquares
        mlErrors += other.mlErrors
    }
}

/// Monte Carlo BER/FER simulation of one decoder at one operating point.
///
/// Frames are random information words u (k uniform bits), encoded as c = u·G, sent through the channel
/// and decoded. Work is cut into numbered blocks of `blockSize` frames; block b draws from the stream
/// `SeededRNG(seed).derived(point).derived(b)`, and blocks are accounted in index order: the run stops at
/// the first block prefix meeting the stopping rule. The counts therefore depend on the seed only, not on
/// the thread count, and every decoder sees the same frames at the same point index.
public struct MonteCarlo: Sendable {
    public let code: LinearCode
    public let config: MonteCarloConfig
    /// Tanner graph of H, to tell whether a decoded word is a codeword (ML lower bound).
    let graph: TannerGraph

    public init(code: LinearCode, config: MonteCarloConfig) {
        self.code = code
        self.config = config
        self.graph = code.tannerGraph
    }

    /// Simulate; `progress` (if given) is called with the running totals after each accounted block.
    public func run(
        decoder: any Decoder, channel: ChannelModel, parameter: Double, pointIndex: Int,
        progress: (@Sendable (PointResult) -> Void)? = nil
    ) -> PointResult {
        let point = self.point(decoder: decoder, channel: channel, parameter: parameter, pointIndex: pointIndex)
        return OrderedBlocks.runPoint(
            rule: config.stopRule, threads: config.threads, template: point.template, progress: progress,
            block: point.block)
    }

    /// One point's template (no frames) and its block b: frames drawn from (seed, point, b) alone.
    func point(decoder: any Decoder, channel: ChannelModel, parameter: Double, pointIndex: Int) -> (
        template: PointResult, block: @Sendable (Int) -> PointResult
    ) {
        let ch = Channel(model: channel, parameter: parameter, rate: code.rate, referenceNoise: config.referenceNoise)
        let pointRNG = SeededRNG(seed: config.seed).derived(UInt64(pointIndex))
        let template = PointResult(decoder: decoder.name, channel: channel, parameter: parameter, n: code.n)
        let rule = config.stopRule
        return (
            template,
            { b in
                var rng = pointRNG.derived(UInt64(b))
                return simulateBlock(
                    decoder: decoder, channel: ch, frames: rule.trials(inBlock: b), rng: &rng, template: template)
            }
        )
    }

    /// A job array's task: the shard's blocks of one point (`OrderedBlocks.runShard(rule:…)`), for `merge`.
    public func runShard(
        _ shard: BlockShard, decoder: any Decoder, channel: ChannelModel, parameter: Double, pointIndex: Int
    ) -> ShardPoint<PointResult> {
        let point = self.point(decoder: decoder, channel: channel, parameter: parameter, pointIndex: pointIndex)
        return OrderedBlocks.runShard(
            rule: config.stopRule, shard: shard, threads: config.threads, template: point.template, block: point.block)
    }

    /// The point of one process from its shards' points (`OrderedBlocks.merge(_:rule:template:)`).
    public func merge(_ shards: [ShardPoint<PointResult>]) throws -> PointResult {
        guard let first = shards.first?.total else { throw ShardError("no shard to merge") }
        let template = PointResult(
            decoder: first.decoder, channel: first.channel, parameter: first.parameter, n: code.n)
        return try OrderedBlocks.merge(shards, rule: config.stopRule, template: template)
    }

    /// Encode, transmit and decode `frames` frames; count errors.
    func simulateBlock(
        decoder: any Decoder, channel: Channel, frames: Int, rng: inout SeededRNG,
        template: PointResult
    ) -> PointResult {
        let n = code.n, k = code.k
        var result = template
        var codewords = [UInt8](repeating: 0, count: frames * n)
        var llr = [Float](repeating: 0, count: frames * n)
        var decoded = [UInt8](repeating: 0, count: frames * n)
        let W = code.G.wordsPerRow
        var c = [UInt64](repeating: 0, count: W)
        for f in 0..<frames {
            for w in 0..<W { c[w] = 0 }
            var r: UInt64 = 0
            for i in 0..<k {
                if i & 63 == 0 { r = rng.next() }
                if (r >> UInt64(i & 63)) & 1 == 1 {
                    for w in 0..<W { c[w] ^= code.G.words[i * W + w] }
                }
            }
            for j in 0..<n { codewords[f * n + j] = UInt8((c[j >> 6] >> UInt64(j & 63)) & 1) }
        }
        codewords.withUnsafeBufferPointer { cw in
            llr.withUnsafeMutableBufferPointer { channel.transmit(cw, into: $0, rng: &rng) }
        }
        llr.withUnsafeBufferPointer { l in
            decoded.withUnsafeMutableBufferPointer { d in
                decoder.decode(llr: l, count: frames, llrScale: channel.llrScale, into: d)
            }
        }
        decoded.withUnsafeMutableBufferPointer { d in
            for f in 0..<frames {
                var errors = 0
                var corrDecoded: Float = 0, corrSent: Float = 0
                for j in 0..<n {
                    let i = f * n + j
                    if d[i] != codewords[i] { errors += 1 }
                    corrDecoded += d[i] == 0 ? llr[i] : -llr[i]
                    corrSent += codewords[i] == 0 ? llr[i] : -llr[i]
                }
                guard errors > 0 else { continue }
                result.frameErrors += 1
                result.bitErrors += errors
                result.bitErrorSquares += Double(errors * errors)
                if corrDecoded > corrSent,
                    graph.satisfiesAllChecks(UnsafeMutableBufferPointer(rebasing: d[(f * n)..<((f + 1) * n)]))
                {
                    result.mlErrors += 1
                }
            }
        }
        result.frames = frames
        return result
    }
}
extension PointResult: ShardableTally {
    public var trials: Int {
        get { frames }
        set { frames = newValue }
    }
    public var errorCount: Int { frameErrors }
    public var isErrorFree: Bool { frameErrors == 0 && bitErrors == 0 && mlErrors == 0 }
}
