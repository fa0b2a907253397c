/// Index roles for matrices over GF(2).
public typealias RowIndex = Int
public typealias ColumnIndex = Int

/// A dense matrix over GF(2), row-major, each row bit-packed into `wordsPerRow` `UInt64` words.
///
/// Padding bits past `columns` in each row are always zero.
public struct BitMatrix: Hashable, Sendable, CustomStringConvertible {
    public let rows: Int
    public let columns: Int
    public let wordsPerRow: Int
    /// Row-major packed storage: row r occupies `words[r * wordsPerRow ..< (r + 1) * wordsPerRow]`.
    public internal(set) var words: [UInt64]

    /// The zero matrix.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "BitMatrix: negative shape \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.wordsPerRow = (columns + 63) >> 6
        self.words = [UInt64](repeating: 0, count: rows * wordsPerRow)
    }

    /// A matrix from rows of 0/1 values; all rows must have `columns` entries.
    public init(rows rowBits: [[UInt8]], columns: Int? = nil) {
        let c = columns ?? rowBits.first?.count ?? 0
        self.init(rows: rowBits.count, columns: c)
        for (r, row) in rowBits.enumerated() {
            precondition(row.count == c, "BitMatrix: row \(r) has \(row.count) entries, expected \(c)")
            for (j, b) in row.enumerated() where b != 0 { self[r, j] = true }
        }
    }

    /// A matrix whose rows are the given vectors (all of length `columns`).
    public init(rowVectors: [BitVector], columns: Int) {
        self.init(rows: rowVectors.count, columns: columns)
        for (r, v) in rowVectors.enumerated() { setRow(r, v) }
    }

    /// The identity matrix of size n.
    public static func identity(_ n: Int) -> BitMatrix {
        var m = BitMatrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = true }
        return m
    }

    /// A uniformly random matrix.
    public static func random<G: RandomNumberGenerator>(rows: Int, columns: Int, using rng: inout G) -> BitMatrix {
        var m = BitMatrix(rows: rows, columns: columns)
        for i in 0..<m.words.count { m.words[i] = rng.next() }
        m.clearPadding()
        return m
    }

    mutating func clearPadding() {
        guard columns & 63 != 0, wordsPerRow > 0 else { return }
        let mask: UInt64 = (1 << UInt64(columns & 63)) &- 1
        for r in 0..<rows { words[r * wordsPerRow + wordsPerRow - 1] &= mask }
    }

    public subscript(_ r: RowIndex, _ c: ColumnIndex) -> Bool {
        get { (words[r * wordsPerRow + c >> 6] >> UInt64(c & 63)) & 1 == 1 }
        set {
            let mask: UInt64 = 1 << UInt64(c & 63)
            if newValue { words[r * wordsPerRow + c >> 6] |= mask } else { words[r * wordsPerRow + c >> 6] &= ~mask }
        }
    }

    public func row(_ r: RowIndex) -> BitVector {
        BitVector(count: columns, words: Array(words[r * wordsPerRow..<(r + 1) * wordsPerRow]))
    }

    public mutating func setRow(_ r: RowIndex, _ v: BitVector) {
        precondition(v.count == columns, "BitMatrix: row of length \(v.count) into \(columns) columns")
        for w in 0..<wordsPerRow { words[r * wordsPerRow + w] = v.words[w] }
    }

    public func column(_ c: ColumnIndex) -> BitVector {
        var v = BitVector(count: rows)
        for r in 0..<rows where self[r, c] { v[r] = true }
        return v
    }

    /// Row `dst` ^= row `src`.
    public mutating func xorRow(_ src: RowIndex, into dst: RowIndex) {
        let w = wordsPerRow
        words.withUnsafeMutableBufferPointer { p in
            for i in 0..<w { p[dst * w + i] ^= p[src * w + i] }
        }
    }

    public mutating func swapRows(_ a: RowIndex, _ b: RowIndex) {
        guard a != b else { return }
        for i in 0..<wordsPerRow { words.swapAt(a * wordsPerRow + i, b * wordsPerRow + i) }
    }

    /// The rows as 0/1 arrays.
    public var rowBits: [[UInt8]] { (0..<rows).map { row($0).bits } }

    /// Number of ones in row r.
    public func rowWeight(_ r: RowIndex) -> Int {
        var acc = 0
        for i in 0..<wordsPerRow { acc += words[r * wordsPerRow + i].nonzeroBitCount }
        return acc
    }

    public var isZero: Bool { words.allSatisfy { $0 == 0 } }

    public var description: String {
        (0..<rows).map { row($0).description }.joined(separator: "\n")
    }
}
