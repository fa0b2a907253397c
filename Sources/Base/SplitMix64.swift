/// SplitMix64 step (Steele, Lea & Flood 2014): a bijective 64-bit mixer used to seed and derive streams.
/// The one implementation: `SeededRNG` seeds and derives its streams with it, `SplitMixRNG` draws from it.
@inlinable public func splitMix64(_ x: inout UInt64) -> UInt64 {
    x &+= 0x9E37_79B9_7F4A_7C15
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// SplitMix64 as a `RandomNumberGenerator`, for seeded initialisation of model weights.
public struct SplitMixRNG: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 { splitMix64(&state) }
}
