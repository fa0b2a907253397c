/// Inverted dropout with a counter-based random source: element i of call `stream` is kept iff
/// hash(seed, stream, i) ≥ p·2^64, and kept values are scaled by 1/(1 − p).
///
/// Each element's decision depends only on (seed, stream, i), never on how the work is split over threads,
/// so a seeded run gives the same numbers for any thread count. x, y, keep: [count].
public struct Dropout: Sendable {
    public let p: Float
    public let seed: UInt64

    public init(p: Float, seed: UInt64) {
        precondition(p >= 0 && p < 1, "Dropout: p = \(p) must be in [0, 1)")
        self.p = p
        self.seed = seed
    }

    /// SplitMix64 finaliser of (seed, stream, index): a well-mixed 64-bit value.
    @inlinable public static func hash(_ seed: UInt64, _ stream: UInt64, _ index: UInt64) -> UInt64 {
        var z = seed &+ stream &* 0x9E37_79B9_7F4A_7C15 &+ index &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// y = x·keep/(1 − p); writes the keep mask (1 or 0) for backward. `offset` is the index of x[0] in the
    /// whole tensor, so slices handled by different threads draw the same decisions as one pass would.
    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, keep: UnsafeMutablePointer<Float>,
                        count: Int, stream: UInt64, offset: Int = 0) {
        let threshold = UInt64(Double(p) * 0x1p64)
        let scale = 1 / (1 - p)
        for i in 0..<count {
            let k: Float = p == 0 || Dropout.hash(seed, stream, UInt64(offset + i)) >= threshold ? 1 : 0
            keep[i] = k
            y[i] = x[i] * k * scale
        }
    }

    public func backward(_ dy: UnsafePointer<Float>, keep: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int) {
        let scale = 1 / (1 - p)
        for i in 0..<count { dx[i] += dy[i] * keep[i] * scale }
    }
}
