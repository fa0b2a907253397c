/// A vector over GF(2), bit-packed into `UInt64` words (bit j of the vector is bit j % 64 of word j / 64).
///
/// Bits past `count` in the last word are always zero, so word-wise equality and popcount are exact.
public struct BitVector: Hashable, Sendable, CustomStringConvertible {
    /// Number of bits.
    public let count: Int
    /// Packed storage, `(count + 63) / 64` words.
    public internal(set) var words: [UInt64]

    /// The zero vector of length `count`.
    public init(count: Int) {
        precondition(count >= 0, "BitVector: negative length \(count)")
        self.count = count
        self.words = [UInt64](repeating: 0, count: (count + 63) >> 6)
    }

    /// A vector from 0/1 values (any nonzero value counts as 1).
    public init<S: Sequence>(bits: S) where S.Element: BinaryInteger {
        let array = Array(bits)
        self.init(count: array.count)
        for (j, b) in array.enumerated() where b != 0 { self[j] = true }
    }

    /// A vector from packed words; bits past `count` are cleared.
    public init(count: Int, words: [UInt64]) {
        precondition(words.count == (count + 63) >> 6, "BitVector: \(words.count) words for \(count) bits")
        self.count = count
        self.words = words
        if count & 63 != 0 { self.words[self.words.count - 1] &= (1 << UInt64(count & 63)) &- 1 }
    }

    public subscript(_ j: Int) -> Bool {
        get { (words[j >> 6] >> UInt64(j & 63)) & 1 == 1 }
        set {
            let mask: UInt64 = 1 << UInt64(j & 63)
            if newValue { words[j >> 6] |= mask } else { words[j >> 6] &= ~mask }
        }
    }

    /// Hamming weight.
    public var weight: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
    public var isZero: Bool { words.allSatisfy { $0 == 0 } }

    /// The bits as 0/1 bytes.
    public var bits: [UInt8] { (0..<count).map { self[$0] ? 1 : 0 } }

    /// Indices of the set bits, ascending.
    public var support: [Int] {
        var out: [Int] = []
        for (w, word) in words.enumerated() {
            var x = word
            while x != 0 { out.append(w << 6 + x.trailingZeroBitCount); x &= x &- 1 }
        }
        return out
    }

    /// In-place sum over GF(2).
    public static func ^= (lhs: inout BitVector, rhs: BitVector) {
        precondition(lhs.count == rhs.count, "BitVector: xor of lengths \(lhs.count) and \(rhs.count)")
        for w in 0..<lhs.words.count { lhs.words[w] ^= rhs.words[w] }
    }

    public static func ^ (lhs: BitVector, rhs: BitVector) -> BitVector {
        var r = lhs; r ^= rhs; return r
    }

    /// Inner product over GF(2): parity of the AND.
    public func dot(_ other: BitVector) -> UInt8 {
        precondition(count == other.count, "BitVector: dot of lengths \(count) and \(other.count)")
        var acc = 0
        for w in 0..<words.count { acc &+= (words[w] & other.words[w]).nonzeroBitCount }
        return UInt8(acc & 1)
    }

    public var description: String { String((0..<count).map { self[$0] ? "1" : "0" }) }
}
