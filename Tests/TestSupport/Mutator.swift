import Foundation

/// Seeded byte-level mutations for fuzz tests: flip, insert, delete, duplicate, truncate, swap, and digit or
/// punctuation replacements (the edits that turn a valid text or binary file into a nearly valid one).
public struct Mutator {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// One to three mutations of `bytes`.
    public mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        let interesting: [UInt8] = Array("0123456789 -.,:\n\r\t{}[]\"eE".utf8) + [0, 0xFF, 0x7F, 0x80]
        for _ in 0...below(3) {
            let i = below(b.count + 1)
            switch below(8) {
            case 0 where !b.isEmpty: b[min(i, b.count - 1)] ^= UInt8(1 << below(8))
            case 1: b.insert(interesting[below(interesting.count)], at: i)
            case 2 where !b.isEmpty: b.removeSubrange(min(i, b.count - 1)..<min(b.count, i + 1 + below(16)))
            case 3 where !b.isEmpty:
                let start = min(i, b.count - 1), piece = Array(b[start..<min(b.count, start + 1 + below(64))])
                b.insert(contentsOf: piece, at: start)
            case 4: b = Array(b.prefix(i))
            case 5 where b.count > 1: b.swapAt(below(b.count), below(b.count))
            case 6 where !b.isEmpty: b[min(i, b.count - 1)] = interesting[below(interesting.count)]
            default: b.append(contentsOf: Array("\n1 0 1\n".utf8))
            }
        }
        return b
    }
}
