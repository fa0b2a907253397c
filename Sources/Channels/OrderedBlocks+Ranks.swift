import Base
import Foundation

extension OrderedBlocks {
    /// Blocks in rounds of `16 × ranks`, for the ranks of a job: enough work per round for every rank's threads, and
    /// little past the stop (at most one round).
    static func roundSize(ranks: Int) -> Int { 16 * ranks }

    /// `run` over the ranks of `group` × `threads` each, with exactly the total of one process: the blocks are taken
    /// in rounds; in each round rank r runs the round's blocks b with (b − first) mod K = r, every rank gathers every
    /// block's counts, and each accounts them in block order until `done` holds, as `run` does. The ranks therefore
    /// stop at the same block with the same total. `progress` sees the total after each round. One rank runs `run`.
    public static func run<T: BlockTally & Codable>(
        blockLimit: Int, threads: Int, group: any ProcessGroup, template: T, done: @escaping @Sendable (T) -> Bool,
        progress: (@Sendable (T) -> Void)? = nil,
        block: @escaping @Sendable (Int) -> T
    ) -> T {
        let K = group.size
        guard K > 1 else {
            return run(
                blockLimit: blockLimit, threads: threads, template: template, done: done, progress: progress,
                block: block)
        }
        var total = template
        var first = 0
        while first < blockLimit {
            let end = min(blockLimit, first + roundSize(ranks: K))
            let mine = Array(stride(from: first + group.rank, to: end, by: K))
            let results = runAll(mine, threads: threads, block: block)
            let all = group.allGather(results)
            for b in first..<end {
                total.add(all[(b - first) % K][(b - first) / K])
                if done(total) {
                    progress?(total)
                    return total
                }
            }
            progress?(total)
            first = end
        }
        return total
    }

    /// Every block of `blocks` on `threads` workers; results in the order of `blocks`.
    static func runAll<T>(_ blocks: [Int], threads: Int, block: @escaping @Sendable (Int) -> T) -> [T] {
        let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: blocks.count)
        slots.initialize(repeating: nil)
        defer {
            _ = slots.deinitialize()
            slots.deallocate()
        }
        let next = BlockCounter()
        let box = UnsafeSendable(slots)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, blocks.count))) { _ in
            while let i = next.take(limit: blocks.count) { box.value[i] = block(blocks[i]) }
        }
        return slots.map { $0! }
    }
}

/// Hands out block indices 0, 1, 2, … to workers, and counts finished work (for a progress line).
public final class BlockCounter: @unchecked Sendable {
    private var next = 0, done = 0
    private let lock = NSLock()

    public init() {}

    /// The next index below `limit`, or nil when all are taken.
    public func take(limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }

    /// Adds `k` finished items; returns the total so far.
    public func finished(_ k: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        done += k
        return done
    }
}
