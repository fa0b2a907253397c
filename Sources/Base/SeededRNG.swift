/// xoshiro256** (Blackman & Vigna 2018), seeded through SplitMix64, with deterministic sub-streams.
///
/// `derived(k)` gives an independent generator that depends only on this generator's seed key and `k`
/// (not on how many numbers were drawn), so work split into numbered blocks gets the same random
/// numbers whatever the thread count.
public struct SeededRNG: RandomNumberGenerator, Sendable {
    /// The key this generator was seeded from; `derived` mixes it with the stream index.
    public let key: UInt64
    @usableFromInline var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        key = seed
        var sm = seed
        s0 = splitMix64(&sm); s1 = splitMix64(&sm); s2 = splitMix64(&sm); s3 = splitMix64(&sm)
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// An independent stream determined by (key, index).
    public func derived(_ index: UInt64) -> SeededRNG {
        var x = key ^ 0xD1B5_4A32_D192_ED03
        _ = splitMix64(&x)
        x ^= index &* 0x9E37_79B9_7F4A_7C15
        return SeededRNG(seed: splitMix64(&x))
    }

    @inlinable public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform Float in [0, 1) with 24 random bits.
    @inlinable public mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform Double in [0, 1) with 53 random bits.
    @inlinable public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }
}
