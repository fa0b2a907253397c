import Foundation

/// The 64-bit FNV-1a hash (Fowler, Noll & Vo), fed 64-bit words byte by byte, low byte first: the fingerprints that
/// tell which matrix or model a weights file was made for (`LinearCode.parityCheckFingerprint`,
/// `DetectorErrorModel.structureFingerprint`). Stable across runs and machines, unlike `Hasher`.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    public mutating func mix(_ word: UInt64) {
        for i in 0..<8 { value = (value ^ ((word >> (8 * UInt64(i))) & 0xFF)) &* 0x100_0000_01B3 }
    }

    /// An integer as its two's-complement 64-bit word.
    public mutating func mix(_ x: Int) { mix(UInt64(bitPattern: Int64(x))) }

    /// The hash as 16 lower-case hexadecimal digits.
    public var hex: String { String(format: "%016llx", value) }
}
