import Base
import Foundation

/// One share of a point's blocks for a job array (`--shard i/K`, docs/DESIGN.md §10): block b belongs to shard `index`
/// (0-based) of `count` when b mod count = index. The shards of one run together compute exactly the blocks of one
/// process, and `OrderedBlocks.merge` applies the stop rule to their union's ordered prefix.
public struct BlockShard: Sendable, Equatable, Codable {
    public let index: Int
    public let count: Int

    /// Throws unless 0 ≤ index < count ≤ 100,000.
    public init(index: Int, count: Int) throws {
        guard (1...100_000).contains(count), (0..<count).contains(index) else {
            throw ShardError("shard \(index + 1)/\(count): give i/K with 1 ≤ i ≤ K ≤ 100000")
        }
        self.index = index; self.count = count
    }

    /// `i/K` as the user writes it (1-based i, as a Slurm array's task id).
    public static func parse(_ text: String) throws -> BlockShard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingCharacters(in: .whitespaces)),
            let k = Int(parts[1].trimmingCharacters(in: .whitespaces))
        else { throw ShardError("--shard '\(text)' is not i/K (for example 3/8)") }
        return try BlockShard(index: i - 1, count: k)
    }

    /// Decoding checks the share as `init` does (a file is input).
    public init(from decoder: any Decoder) throws {
        enum Keys: String, CodingKey { case index, count }
        let c = try decoder.container(keyedBy: Keys.self)
        try self.init(index: try c.decode(Int.self, forKey: .index), count: try c.decode(Int.self, forKey: .count))
    }

    public func contains(_ block: Int) -> Bool { block % count == index }

    /// The shard's j-th block, and how many of the blocks below `limit` are the shard's.
    public func block(_ j: Int) -> Int { index + j * count }
    public func blocks(below limit: Int) -> Int { limit > index ? (limit - index - 1) / count + 1 : 0 }

    /// ⌈minimum / K⌉.
    public func share(of minimum: Int) -> Int { minimum / count + (minimum % count == 0 ? 0 : 1) }
}

/// A `--shard` or merge that cannot be done; the message says why.
public struct ShardError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One block's counts, as a shard keeps them for the merge.
public struct BlockRecord<T: BlockTally & Codable>: Codable, Sendable {
    public var block: Int
    public var tally: T
    public init(block: Int, tally: T) { self.block = block; self.tally = tally }
}

extension OrderedBlocks {
    /// Runs the shard's blocks below `blockLimit` in their order (threads as `run`) until `done` holds for the shard's
    /// own running total; returns that total and every accounted block's counts, for `merge`.
    public static func runShard<T: BlockTally & Codable>(
        blockLimit: Int, threads: Int, group: any ProcessGroup = Ranks.world, shard: BlockShard, template: T,
        done: @escaping @Sendable (T) -> Bool, block: @escaping @Sendable (Int) -> T
    ) -> (total: T, blocks: [BlockRecord<T>]) {
        let collected = OrderedBlocks.run(
            blockLimit: shard.blocks(below: blockLimit), threads: threads, group: group,
            template: ShardTally(total: template, blocks: []), done: { done($0.total) }
        ) { j in
            let b = shard.block(j)
            let tally = block(b)
            return ShardTally(total: tally, blocks: [BlockRecord(block: b, tally: tally)])
        }
        return (collected.total, collected.blocks)
    }

    /// The run of one process from the blocks its shards computed: blocks are accounted from 0 in order until `done`
    /// holds or `blockLimit` is reached; `block(b)` gives block b's counts, or nil when no shard computed it. `missing`
    /// is the first block that the prefix needed and no shard had (the total then stops before it).
    public static func merge<T: BlockTally>(
        blockLimit: Int, template: T, block: (Int) -> T?, done: (T) -> Bool
    ) -> (total: T, missing: Int?) {
        var total = template
        for b in 0..<blockLimit {
            guard let t = block(b) else { return (total, b) }
            total.add(t)
            if done(total) { break }
        }
        return (total, nil)
    }
}

/// A shard's running total and its blocks' counts, accounted in order by `OrderedBlocks.run`.
struct ShardTally<T: BlockTally & Codable>: BlockTally, Codable {
    var total: T
    var blocks: [BlockRecord<T>]
    mutating func add(_ other: ShardTally) {
        total.add(other.total)
        blocks += other.blocks
    }
}

/// One shard's result of one point: its own total, how many of its blocks it ran (in its order, from its first), and
/// the counts of those of its blocks that are not known from their size alone (any error counted).
public struct ShardPoint<T: ShardableTally>: Codable, Sendable {
    public var shard: BlockShard
    public var total: T
    public var blocksDone: Int
    public var errorBlocks: [BlockRecord<T>]

    public init(shard: BlockShard, total: T, blocksDone: Int, errorBlocks: [BlockRecord<T>]) {
        self.shard = shard; self.total = total; self.blocksDone = blocksDone; self.errorBlocks = errorBlocks
    }

    /// Block b's counts from the shards (an error block's record, or `empty(b)` for a block the shard ran without
    /// errors), nil when no shard ran it. Throws when the shards are not the K shares of one run (mixed K, a share
    /// given twice with different counts, more blocks than the rule has, an error block the shard did not run).
    static func blockLookup(_ shards: [ShardPoint], blockLimit: Int, empty: @escaping (Int) -> T) throws -> (Int) -> T?
    {
        let K = shards[0].shard.count
        var done = [Int: Int](), records = [Int: T]()
        for s in shards {
            guard s.shard.count == K else {
                throw ShardError("shards of different counts: \(s.shard.index + 1)/\(s.shard.count) beside K = \(K)")
            }
            guard (0...s.shard.blocks(below: blockLimit)).contains(s.blocksDone) else {
                throw ShardError(
                    "shard \(s.shard.index + 1)/\(K) claims \(s.blocksDone) blocks; it has "
                        + "\(s.shard.blocks(below: blockLimit)) below the rule's limit")
            }
            if let seen = done[s.shard.index], seen != s.blocksDone {
                throw ShardError("shard \(s.shard.index + 1)/\(K) is given twice with different results")
            }
            done[s.shard.index] = s.blocksDone
            for r in s.errorBlocks {
                guard r.block >= 0, s.shard.contains(r.block), r.block / K < s.blocksDone else {
                    throw ShardError(
                        "shard \(s.shard.index + 1)/\(K) lists block \(r.block), which is not one of the blocks it ran")
                }
                records[r.block] = r.tally
            }
        }
        return { b in
            guard let ran = done[b % K], b / K < ran else { return nil }
            return records[b] ?? empty(b)
        }
    }
}

/// The counts of a point that shards can split: trials (frames, shots) and the errors the stop rule counts, the run's
/// seconds, and whether a block's counts are all known from its size (no error of any kind).
public protocol ShardableTally: BlockTally, Codable, Equatable {
    var trials: Int { get set }
    var errorCount: Int { get }
    var isErrorFree: Bool { get }
    var seconds: Double { get set }
}

/// A point's stop rule (both minimums met, or `maxTrials` reached) and its blocks of `blockSize` trials.
public struct StopRule: Sendable, Equatable {
    public var minErrors: Int, minTrials: Int, maxTrials: Int, blockSize: Int

    /// A command's resolved rule (minimum errors, minimum and maximum trials) with blocks of `blockSize`.
    public init(_ rule: (minErrors: Int, minFrames: Int, maxFrames: Int, note: String?), blockSize: Int) {
        self.init(minErrors: rule.minErrors, minTrials: rule.minFrames, maxTrials: rule.maxFrames, blockSize: blockSize)
    }

    public init(minErrors: Int, minTrials: Int, maxTrials: Int, blockSize: Int) {
        self.minErrors = minErrors; self.minTrials = minTrials; self.maxTrials = maxTrials
        self.blockSize = max(1, blockSize)
    }

    /// (minErrors, minTrials, maxTrials, blockSize), to set a config's own fields in one assignment.
    public var fields: (Int, Int, Int, Int) { (minErrors, minTrials, maxTrials, blockSize) }

    public func isDone(_ t: some ShardableTally) -> Bool {
        t.errorCount >= minErrors && t.trials >= minTrials || t.trials >= maxTrials
    }

    /// Blocks of a point: ⌈maxTrials / blockSize⌉ (no overflow near Int.max).
    public var blockLimit: Int { maxTrials / blockSize + (maxTrials % blockSize == 0 ? 0 : 1) }

    /// Trials of block b (the last block may be short).
    public func trials(inBlock b: Int) -> Int { min(blockSize, maxTrials - b * blockSize) }

    /// One shard's part of the rule, with a margin so that the K shards nearly always cover the whole rule's prefix:
    /// errors m/K + 3·√(m/K) + 1 (the errors in a shard's blocks of the prefix fluctuate by about √(m/K)), trials
    /// ⌈f/K⌉ + one block; the same maximum. One shard (K = 1) keeps the rule.
    public func share(for shard: BlockShard) -> StopRule {
        guard shard.count > 1 else { return self }
        let e = Double(minErrors) / Double(shard.count)
        let errors = minErrors == 0 ? 0 : min(minErrors, Int((e + 3 * e.squareRoot()).rounded(.up)) + 1)
        let (trials, overflow) = shard.share(of: minTrials).addingReportingOverflow(blockSize)
        return StopRule(
            minErrors: errors, minTrials: overflow ? maxTrials : min(maxTrials, trials), maxTrials: maxTrials,
            blockSize: blockSize)
    }
}

extension OrderedBlocks {
    /// One whole point: blocks in order until `rule` holds (`run`), its total with the seconds it took.
    public static func runPoint<T: ShardableTally>(
        rule: StopRule, threads: Int, group: any ProcessGroup = Ranks.world, template: T,
        progress: (@Sendable (T) -> Void)?, block: @escaping @Sendable (Int) -> T
    ) -> T {
        let start = Date()
        var total = run(
            blockLimit: rule.blockLimit, threads: threads, group: group, template: template, done: { rule.isDone($0) },
            progress: progress, block: block)
        total.seconds = Date().timeIntervalSince(start)
        return total
    }

    /// The shard's blocks of one point, in its order, until its own total meets its share of the rule: its total, and
    /// the blocks that are not error-free (the others are known from their size).
    public static func runShard<T: ShardableTally>(
        rule: StopRule, shard: BlockShard, threads: Int, group: any ProcessGroup = Ranks.world, template: T,
        block: @escaping @Sendable (Int) -> T
    ) -> ShardPoint<T> {
        let start = Date()
        let own = rule.share(for: shard)
        var (total, blocks) = runShard(
            blockLimit: rule.blockLimit, threads: threads, group: group, shard: shard, template: template,
            done: { own.isDone($0) }, block: block)
        total.seconds = Date().timeIntervalSince(start)
        return ShardPoint(
            shard: shard, total: total, blocksDone: blocks.count, errorBlocks: blocks.filter { !$0.tally.isErrorFree })
    }

    /// The point of one process from its shards (`runShard` with every shard of one K): exactly one process's counts
    /// when the shards reached the rule's prefix; otherwise a `ShardError` naming the first missing block and its
    /// shard. The seconds are the shards' sum.
    public static func merge<T: ShardableTally>(_ shards: [ShardPoint<T>], rule: StopRule, template: T) throws -> T {
        guard let K = shards.first?.shard.count else { throw ShardError("no shard to merge") }
        let lookup = try ShardPoint.blockLookup(shards, blockLimit: rule.blockLimit) { b in
            var empty = template
            empty.trials = rule.trials(inBlock: b)
            return empty
        }
        var (total, missing) = merge(
            blockLimit: rule.blockLimit, template: template, block: lookup, done: { rule.isDone($0) })
        if let missing {
            throw ShardError(
                "the shards stop before the stop rule's prefix: block \(missing) (shard \(missing % K + 1)/\(K)) was "
                    + "not run; rerun that shard with larger minimums (the prefix so far: \(total.trials) trials, "
                    + "\(total.errorCount) errors)")
        }
        total.seconds = shards.reduce(0) { $0 + $1.total.seconds }
        return total
    }
}
