/// Which (query, key) pairs may interact, as compressed rows: the keys of query i are
/// `keys[rowStart[i] ..< rowStart[i + 1]]`, ascending. The same pattern serves every batch and head; pair t is
/// the t-th allowed (query, key) in row-major order (per-pair data such as head masks and score scales uses it).
public struct AttentionPattern: Sendable, Equatable {
    public let length: Int
    public let rowStart: [Int]
    public let keys: [Int]
    public var pairCount: Int { keys.count }

    /// From the keys of each query (any order, no duplicates). Every row needs at least one key.
    public init(rows: [[Int]]) {
        var start = [0], keys: [Int] = []
        keys.reserveCapacity(rows.reduce(0) { $0 + $1.count })
        for (i, row) in rows.enumerated() {
            precondition(!row.isEmpty, "AttentionPattern: query \(i) may attend to no key")
            let sorted = row.sorted()
            precondition(
                sorted.first! >= 0 && sorted.last! < rows.count
                    && zip(sorted, sorted.dropFirst()).allSatisfy { $0 < $1 },
                "AttentionPattern: keys of query \(i) out of range or repeated")
            keys += sorted
            start.append(keys.count)
        }
        self.length = rows.count
        self.rowStart = start
        self.keys = keys
    }

    /// From a dense row-major [L, L] mask (true = may attend). Every row needs at least one allowed key.
    public init(allowed: [Bool], length L: Int) {
        precondition(allowed.count == L * L, "AttentionPattern: \(allowed.count) entries for L = \(L)")
        self.init(rows: (0..<L).map { i in (0..<L).filter { allowed[i * L + $0] } })
    }

    /// Every pair allowed.
    public static func full(_ L: Int) -> AttentionPattern {
        AttentionPattern(rows: Array(repeating: Array(0..<L), count: L))
    }

    /// The dense [L, L] mask (true = allowed), for tests and reference twins.
    public var allowed: [Bool] {
        var a = [Bool](repeating: false, count: length * length)
        for i in 0..<length { for t in rowStart[i]..<rowStart[i + 1] { a[i * length + keys[t]] = true } }
        return a
    }

    /// The pair index of (query, key), or nil when the pair is not allowed.
    public func pair(query i: Int, key j: Int) -> Int? {
        var lo = rowStart[i], hi = rowStart[i + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < j { lo = mid + 1 } else { hi = mid }
        }
        return lo < rowStart[i + 1] && keys[lo] == j ? lo : nil
    }
}
