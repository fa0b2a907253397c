import Foundation

/// Shots held bit-packed: ⌈bits/64⌉ little-endian words a shot, bit j of a shot in word j/64 at position j mod 64, the
/// padding bits zero — an eighth of the memory of bytes 0/1, and what the graph decoders gather their fired detectors
/// from a word at a time (`DetectorErrorModelDecoder.decode(packed:shots:into:)`).
///
/// words: [shots, wordsPerShot].
public struct PackedShots: Sendable, Equatable {
    public let shots: Int, bitsPerShot: Int
    public var wordsPerShot: Int { (bitsPerShot + 63) >> 6 }
    public internal(set) var words: [UInt64]

    /// Bits as bytes (any non-zero byte is a one) [shots, bitsPerShot], packed; `shots` is needed only for shots of
    /// no bits (a model with no detectors), whose count the bytes cannot tell.
    public init(bits: [UInt8], bitsPerShot: Int, shots: Int? = nil) {
        let shots = shots ?? (bitsPerShot == 0 ? 0 : bits.count / bitsPerShot)
        precondition(
            bitsPerShot >= 0 && shots >= 0 && bits.count == shots * bitsPerShot, "shots of \(bitsPerShot) bits")
        self.bitsPerShot = bitsPerShot
        self.shots = shots
        let W = (bitsPerShot + 63) >> 6
        var words = [UInt64](repeating: 0, count: shots * W)
        for s in 0..<shots {
            for j in 0..<bitsPerShot where bits[s * bitsPerShot + j] != 0 {
                words[s * W + j >> 6] |= 1 << UInt64(j & 63)
            }
        }
        self.words = words
    }

    /// `shots` shots of b8 rows (⌈bits/8⌉ bytes each, already checked), copied into words.
    init(b8 bytes: UnsafeRawBufferPointer, shots: Int, bitsPerShot: Int) {
        self.shots = shots
        self.bitsPerShot = bitsPerShot
        let per = (bitsPerShot + 7) / 8, W = (bitsPerShot + 63) >> 6
        var words = [UInt64](repeating: 0, count: shots * W)
        words.withUnsafeMutableBytes { out in
            for s in 0..<shots {  // words are little-endian on every supported machine: b8's bytes in order
                (out.baseAddress! + s * 8 * W).copyMemory(from: bytes.baseAddress! + s * per, byteCount: per)
            }
        }
        self.words = words
    }

    /// Shots `range` as bytes 0/1 [range.count, bitsPerShot].
    public func bits(shots range: Range<Int>) -> [UInt8] {
        precondition(range.lowerBound >= 0 && range.upperBound <= shots, "shots \(range) of \(shots)")
        let W = wordsPerShot
        var bits = [UInt8](repeating: 0, count: range.count * bitsPerShot)
        for (i, s) in range.enumerated() {
            for j in 0..<bitsPerShot {
                bits[i * bitsPerShot + j] = UInt8(truncatingIfNeeded: words[s * W + j >> 6] >> UInt64(j & 63) & 1)
            }
        }
        return bits
    }
}

extension ShotFormat {
    /// The shots of `data`, `bitsPerShot` bits each, packed (`read`'s checks and errors). b8 rows are copied into
    /// words without being unpacked; the other formats are read as bytes first.
    public func readPacked(_ data: Data, bitsPerShot: Int, source: String) throws -> PackedShots {
        guard self == .b8 else {
            let (shots, bits) = try read(data, bitsPerShot: bitsPerShot, source: source)
            return PackedShots(bits: bits, bitsPerShot: bitsPerShot, shots: shots)
        }
        return try data.withUnsafeBytes { bytes in
            let shots = try Self.checkB8(bytes, bitsPerShot: bitsPerShot, source: source)
            return PackedShots(b8: bytes, shots: shots, bitsPerShot: bitsPerShot)
        }
    }

    /// The shot count of b8 `bytes`, or an error naming the sizes, or the first shot that sets a padding bit.
    static func checkB8(_ bytes: UnsafeRawBufferPointer, bitsPerShot: Int, source: String) throws -> Int {
        guard bitsPerShot >= 0 else { throw QECCError("\(source): negative bit count \(bitsPerShot)") }
        let per = (bitsPerShot + 7) / 8
        guard per > 0 else {
            throw QECCError("\(source): b8 shots of 0 bits cannot be counted; use 01 for a model with no \(source)")
        }
        guard bytes.count % per == 0 else {
            throw QECCError(
                "\(source): \(bytes.count) bytes is not a whole number of b8 shots of \(bitsPerShot) bits "
                    + "(\(per) bytes each; \(bytes.count / per) shots and \(bytes.count % per) bytes left over)")
        }
        let shots = bytes.count / per
        let used = bitsPerShot & 7
        if used != 0, let s = (0..<shots).first(where: { bytes[$0 * per + per - 1] >> UInt8(used) != 0 }) {
            throw QECCError(
                "\(source): shot \(s) sets bits past its \(bitsPerShot) (padding bits of b8 must be 0): the file "
                    + "was written for another bit count")
        }
        return shots
    }
}
