import Foundation

/// Counts that add up block by block (frames and errors, shots and failures).
public protocol BlockTally: Sendable {
    mutating func add(_ other: Self)
}

/// Deterministic parallel Monte Carlo: numbered blocks of work handed to `threads` workers, each block's result
/// accounted in index order, and the run stopped at the first block prefix that meets the stopping rule. Block b
/// must draw its random numbers from a stream of its own (e.g. `SeededRNG.derived(b)`): the totals then depend on
/// the seed only, not on the thread count.
public enum OrderedBlocks {
    /// Run blocks 0..<blockLimit until `done(total)`; `progress` sees the running totals after each accounted block.
    public static func run<T: BlockTally>(
        blockLimit: Int, threads: Int, template: T, done: @escaping @Sendable (T) -> Bool,
        progress: (@Sendable (T) -> Void)? = nil,
        block: @escaping @Sendable (Int) -> T
    ) -> T {
        let state = OrderedBlockState(template: template)
        let workers = max(1, min(threads, blockLimit))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let b = state.nextBlock(limit: blockLimit) {
                state.finish(block: b, result: block(b), done: done, progress: progress)
            }
        }
        return state.total
    }
}

/// Shared accounting of one run: hands out block indices and sums finished blocks in index order.
final class OrderedBlockState<T: BlockTally>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var stopAfter: Int?
    private var pending: [Int: T] = [:]
    private var accounted = 0
    private(set) var total: T

    init(template: T) { total = template }

    func nextBlock(limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < limit, stopAfter == nil || next <= stopAfter! else { return nil }
        defer { next += 1 }
        return next
    }

    func finish(block: Int, result: T, done: (T) -> Bool, progress: (@Sendable (T) -> Void)?) {
        lock.lock()
        pending[block] = result
        var advanced = false
        while stopAfter == nil, let r = pending.removeValue(forKey: accounted) {
            total.add(r)
            advanced = true
            if done(total) { stopAfter = accounted }
            accounted += 1
        }
        let snapshot = total
        lock.unlock()
        if advanced, let progress { progress(snapshot) }
    }
}
