import Foundation

/// Stim's result formats for detection events and observable flips
/// (https://github.com/quantumlib/Stim/blob/main/doc/result_formats.md): a shot is a fixed number of bits (the DEM's
/// detectors, or its observables).
///
/// - `01`: one line per shot, one character '0' or '1' per bit.
/// - `b8`: ⌈bits/8⌉ bytes per shot, bit j in byte j/8 at position j mod 8 (least significant first).
/// - `r8`: per shot, bytes counting the zeros before each one; 255 means 255 zeros and no one yet; every shot ends with
///   a one just past its last bit.
/// - `ptb64`: shots in groups of 64; per group, per bit, 8 bytes holding that bit of the group's 64 shots (shot k of
///   the group at bit k of the little-endian word). Only whole groups: a shot count that is not a multiple of 64
///   cannot be written (Stim refuses it too).
///
/// Bits are held as bytes 0/1, [shots, bits]. A file whose length does not fit the bit count is refused, naming the
/// expected and found sizes.
public enum ShotFormat: String, CaseIterable, Sendable {
    case zeroOne = "01"
    case b8
    case r8
    case ptb64

    public static func named(_ raw: String) throws -> ShotFormat {
        guard let f = ShotFormat(rawValue: raw.lowercased()) else {
            throw QECCError("unknown shot format '\(raw)'; use 01, b8, r8 or ptb64")
        }
        return f
    }

    /// The shots of `data`, `bitsPerShot` bits each: (shot count, bits [shots, bitsPerShot]).
    public func read(_ data: Data, bitsPerShot: Int, source: String) throws -> (shots: Int, bits: [UInt8]) {
        guard bitsPerShot >= 0 else { throw QECCError("\(source): negative bit count \(bitsPerShot)") }
        let bytes = [UInt8](data)
        switch self {
        case .ptb64:
            let group = 8 * bitsPerShot
            guard group > 0 else {
                throw QECCError(
                    "\(source): ptb64 shots of 0 bits cannot be counted; use 01 for a model with no \(source)")
            }
            guard bytes.count % group == 0 else {
                throw QECCError(
                    "\(source): \(bytes.count) bytes is not a whole number of ptb64 groups of 64 shots of "
                        + "\(bitsPerShot) bits (\(group) bytes each; \(bytes.count / group) groups and "
                        + "\(bytes.count % group) bytes left over)")
            }
            let shots = bytes.count / group * 64
            var bits = [UInt8](repeating: 0, count: shots * bitsPerShot)
            for g in 0..<(shots / 64) {
                for j in 0..<bitsPerShot {
                    let word = g * group + 8 * j
                    for k in 0..<64 { bits[(64 * g + k) * bitsPerShot + j] = bytes[word + k >> 3] >> UInt8(k & 7) & 1 }
                }
            }
            return (shots, bits)
        case .b8:
            let shots = try bytes.withUnsafeBytes { try Self.checkB8($0, bitsPerShot: bitsPerShot, source: source) }
            var bits = [UInt8](repeating: 0, count: shots * bitsPerShot)
            bytes.withUnsafeBufferPointer { packed in
                bits.withUnsafeMutableBufferPointer {
                    Self.unpackB8(packed, shots: shots, bitsPerShot: bitsPerShot, into: $0)
                }
            }
            return (shots, bits)
        case .zeroOne:
            var bits: [UInt8] = [], shots = 0, column = 0
            bits.reserveCapacity(bytes.count)
            for (i, c) in bytes.enumerated() {
                switch c {
                case UInt8(ascii: "0"), UInt8(ascii: "1"):
                    guard column < bitsPerShot else {
                        throw QECCError(
                            "\(source):\(shots + 1): more than \(bitsPerShot) bits on the line (01 format, one shot a "
                                + "line)")
                    }
                    bits.append(c - UInt8(ascii: "0"))
                    column += 1
                case UInt8(ascii: "\n"):
                    guard column == bitsPerShot else {
                        throw QECCError(
                            "\(source):\(shots + 1): \(column) bits on the line, expected \(bitsPerShot) (01 format)")
                    }
                    shots += 1
                    column = 0
                case UInt8(ascii: "\r") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n"):
                    continue
                default:
                    throw QECCError(
                        "\(source):\(shots + 1): \(c >= 32 && c < 127 ? "'\(Character(Unicode.Scalar(c)))'" : "byte \(c)") is not '0', '1' or a "
                            + "line end (01 format)")
                }
            }
            guard column == 0 else {
                throw QECCError("\(source):\(shots + 1): the last line ends without a newline after \(column) bits")
            }
            return (shots, bits)
        case .r8:
            var bits: [UInt8] = [], shots = 0, position = 0
            var shot = [UInt8](repeating: 0, count: bitsPerShot)
            for c in bytes {
                position += Int(c)
                if c == 255 {
                    guard position <= bitsPerShot else {
                        throw QECCError("\(source): r8 shot \(shots) runs past its \(bitsPerShot) bits")
                    }
                    continue
                }
                if position == bitsPerShot {  // the one just past the end closes the shot
                    bits += shot
                    for j in 0..<bitsPerShot { shot[j] = 0 }
                    shots += 1
                    position = 0
                    continue
                }
                guard position < bitsPerShot else {
                    throw QECCError(
                        "\(source): r8 shot \(shots) puts a one at bit \(position), past its \(bitsPerShot) bits")
                }
                shot[position] = 1
                position += 1
            }
            guard position == 0 else {
                throw QECCError("\(source): the last r8 shot is cut off (no closing one after bit \(position))")
            }
            return (shots, bits)
        }
    }

    /// b8 bytes [shots, ⌈bits/8⌉] → bits [shots, bits] as bytes 0/1: each whole byte becomes eight bytes through a
    /// 256-entry table (one unaligned 8-byte store), the last partial byte bit by bit.
    static func unpackB8(
        _ packed: UnsafeBufferPointer<UInt8>, shots: Int, bitsPerShot: Int, into bits: UnsafeMutableBufferPointer<UInt8>
    ) {
        let per = (bitsPerShot + 7) / 8, whole = bitsPerShot >> 3
        precondition(packed.count >= shots * per && bits.count >= shots * bitsPerShot)
        guard let source = packed.baseAddress, let target = bits.baseAddress else { return }
        let raw = UnsafeMutableRawPointer(target)
        Self.spread.withUnsafeBufferPointer { spread in
            for s in 0..<shots {
                let row = source + s * per, out = s * bitsPerShot
                for b in 0..<whole {
                    raw.storeBytes(of: spread[Int(row[b])], toByteOffset: out + 8 * b, as: UInt64.self)
                }
                for j in (8 * whole)..<bitsPerShot { target[out + j] = row[j >> 3] >> UInt8(j & 7) & 1 }
            }
        }
    }

    /// Byte b's eight bits as eight bytes 0/1 (bit 0 in the lowest byte: little-endian, as every supported machine).
    static let spread: [UInt64] = (0..<256).map { (b: Int) -> UInt64 in
        var word: UInt64 = 0
        for j in 0..<8 where b >> j & 1 == 1 { word |= 1 << UInt64(8 * j) }
        return word
    }

    /// Refuses a shot count this format cannot write: ptb64 holds whole groups of 64 shots.
    public func checkWritable(shots: Int) throws {
        guard self != .ptb64 || shots % 64 == 0 else {
            throw QECCError("ptb64 holds shots in groups of 64: \(shots) shots is not a multiple of 64; use b8")
        }
    }

    /// The bytes of `shots` shots of `bitsPerShot` bits in this format; refuses what `checkWritable` refuses.
    public func write(_ bits: [UInt8], bitsPerShot: Int) throws -> Data {
        precondition(bitsPerShot > 0 ? bits.count % bitsPerShot == 0 : bits.isEmpty, "shots of \(bitsPerShot) bits")
        let shots = bitsPerShot == 0 ? 0 : bits.count / bitsPerShot
        try checkWritable(shots: shots)
        var out: [UInt8] = []
        switch self {
        case .ptb64:
            out = [UInt8](repeating: 0, count: shots / 8 * bitsPerShot)  // shots / 64 groups × bits × 8 bytes
            for s in 0..<shots {
                let group = s / 64 * 8 * bitsPerShot, k = s & 63
                for j in 0..<bitsPerShot where bits[s * bitsPerShot + j] != 0 {
                    out[group + 8 * j + k >> 3] |= 1 << UInt8(k & 7)
                }
            }
        case .b8:
            let per = (bitsPerShot + 7) / 8
            out = [UInt8](repeating: 0, count: shots * per)
            for s in 0..<shots {
                for j in 0..<bitsPerShot where bits[s * bitsPerShot + j] != 0 {
                    out[s * per + j >> 3] |= 1 << UInt8(j & 7)
                }
            }
        case .zeroOne:
            out.reserveCapacity(shots * (bitsPerShot + 1))
            for s in 0..<shots {
                for j in 0..<bitsPerShot { out.append(bits[s * bitsPerShot + j] == 0 ? 48 : 49) }
                out.append(10)
            }
        case .r8:
            for s in 0..<shots {
                var zeros = 0
                for j in 0...bitsPerShot {
                    if j < bitsPerShot && bits[s * bitsPerShot + j] == 0 {
                        zeros += 1
                        continue
                    }
                    while zeros >= 255 {
                        out.append(255)
                        zeros -= 255
                    }
                    out.append(UInt8(zeros))
                    zeros = 0
                }
            }
        }
        return Data(out)
    }
}
