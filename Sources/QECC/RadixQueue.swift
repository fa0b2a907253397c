/// A monotone priority queue of (time, item) for sparse blossom's flooding events: a radix heap (Ahuja, Mehlhorn,
/// Orlin & Tarjan 1990), as PyMatching uses. Every pushed time must be ≥ `last`, the time last popped. Bucket 0 holds
/// the entries at `last`; bucket b ≥ 1 those whose highest bit differing from `last` is bit b − 1. A pop takes from
/// bucket 0, or else empties the first non-empty bucket into lower ones around its minimum: each entry moves down at
/// most 64 times, usually once or twice. Ties pop in a fixed (last in, first out) order: deterministic.
///
/// The buckets live in buffers owned by a `FixedBuffers` (grown by doubling, never shrunk).
struct RadixQueue {
    struct Entry {
        var time: Int, item: Int
    }

    let storage: FixedBuffers
    let buckets: UnsafeMutablePointer<UnsafeMutablePointer<Entry>>
    let counts: UnsafeMutablePointer<Int>, capacities: UnsafeMutablePointer<Int>
    private(set) var last = 0
    var count = 0

    init(storage: FixedBuffers, capacity: Int) {
        self.storage = storage
        let first = storage.make(capacity, Entry(time: 0, item: 0))
        buckets = storage.make(65, first)
        for b in 1..<65 { buckets[b] = storage.make(capacity, Entry(time: 0, item: 0)) }
        counts = storage.make(65, 0)
        capacities = storage.make(65, capacity)
    }

    mutating func clear() {
        counts.update(repeating: 0, count: 65)
        count = 0
        last = 0
    }

    @inline(__always) func bucket(_ time: Int) -> Int {
        let x = UInt64(bitPattern: Int64(time ^ last))
        return x == 0 ? 0 : 64 - x.leadingZeroBitCount
    }

    @inline(__always) mutating func append(_ e: Entry, to b: Int) {
        if counts[b] == capacities[b] {
            let bigger = storage.make(2 * capacities[b], Entry(time: 0, item: 0))
            bigger.update(from: buckets[b], count: counts[b])
            buckets[b] = bigger
            capacities[b] *= 2
        }
        buckets[b][counts[b]] = e
        counts[b] += 1
    }

    /// time ≥ `last` (a precondition of the radix heap).
    @inline(__always) mutating func push(_ time: Int, _ item: Int) {
        append(Entry(time: time, item: item), to: bucket(time))
        count += 1
    }

    mutating func pop() -> Entry? {
        guard count > 0 else { return nil }
        if counts[0] == 0 {
            var b = 1
            while counts[b] == 0 { b += 1 }
            let source = buckets[b], n = counts[b]
            var smallest = source[0].time
            for i in 1..<n where source[i].time < smallest { smallest = source[i].time }
            last = smallest
            counts[b] = 0
            // Redistribute in reverse so that equal times keep their first-in order under the LIFO pops.
            for i in stride(from: n - 1, through: 0, by: -1) {
                let e = source[i]
                append(e, to: bucket(e.time))
            }
        }
        counts[0] -= 1
        count -= 1
        return buckets[0][counts[0]]
    }
}
