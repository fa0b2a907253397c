/// Inverted dropout with a counter-based random source. Element i of call `stream` is dropped iff the 16-bit
/// field i mod 4 of hash(seed, stream, ⌊i/4⌋) is below round(p·2^16); kept values are scaled by 1/(1 − p′),
/// p′ = round(p·2^16)/2^16 the exact drop probability (within 8e-6 of p). One hash serves four elements.
///
/// Each element's decision depends only on (seed, stream, i), never on how the work is split over threads,
/// so a seeded run gives the same numbers for any thread count. x, y, keep: [count].
public struct Dropout: Sendable {
    public let p: Float
    public let seed: UInt64
    /// Drop threshold on a 16-bit field, and the scale of kept values.
    public let threshold: UInt64
    public let scale: Float

    public init(p: Float, seed: UInt64) {
        precondition(p >= 0 && p < 1, "Dropout: p = \(p) must be in [0, 1)")
        self.p = p
        self.seed = seed
        threshold = UInt64((Double(p) * 65536).rounded())
        scale = Float(1 / (1 - Double(threshold) / 65536))
    }

    /// SplitMix64 finaliser of (seed, stream, index): a well-mixed 64-bit value.
    @inlinable public static func hash(_ seed: UInt64, _ stream: UInt64, _ index: UInt64) -> UInt64 {
        var z = seed &+ stream &* 0x9E37_79B9_7F4A_7C15 &+ index &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True when element `index` of `stream` is kept.
    @inlinable public func keeps(stream: UInt64, index: Int) -> Bool {
        let h = Dropout.hash(seed, stream, UInt64(index >> 2))
        return (h >> UInt64(16 * (index & 3))) & 0xFFFF >= threshold
    }

    /// Keep flags (1 or 0) of the eight elements starting at `index`, a multiple of 4: two hashes.
    @inlinable public func keepFlags8(stream: UInt64, index: Int) -> SIMD8<Float> {
        let a = Dropout.hash(seed, stream, UInt64(index >> 2)), b = Dropout.hash(seed, stream, UInt64(index >> 2) + 1)
        var k = SIMD8<Float>()
        for j in 0..<4 {
            k[j] = (a >> UInt64(16 * j)) & 0xFFFF >= threshold ? 1 : 0
            k[j + 4] = (b >> UInt64(16 * j)) & 0xFFFF >= threshold ? 1 : 0
        }
        return k
    }

    /// y = x·keep/(1 − p′); writes the keep mask (1 or 0) for backward. `offset` is the index of x[0] in the
    /// whole tensor, so slices handled by different threads draw the same decisions as one pass would.
    public func forward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, keep: UnsafeMutablePointer<Float>,
        count: Int, stream: UInt64, offset: Int = 0
    ) {
        for i in 0..<count {
            let k: Float = threshold == 0 || keeps(stream: stream, index: offset + i) ? 1 : 0
            keep[i] = k
            y[i] = x[i] * k * scale
        }
    }

    public func backward(
        _ dy: UnsafePointer<Float>, keep: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        for i in 0..<count { dx[i] += dy[i] * keep[i] * scale }
    }
}
