/// Vectorised elementary functions on eight Float lanes, written with operations that map to baseline
/// x86-64 SSE2 and ARM NEON (no rounding instructions, no FMA), ~1e-7 relative error.
/// Each has a scalar libm twin in the tests.
public enum SIMDMath {
    public typealias V = SIMD8<Float>

    /// A constant in every lane. The Horner steps use vector constants: with `v * m + 0.1` (a scalar
    /// operand) the compiler scalarised the chains (measured: Gaussian 134 → 159 M/s with `c`).
    @inlinable @inline(__always) public static func c(_ x: Float) -> V { V(repeating: x) }

    /// ln x for normal x > 0 (Cephes logf polynomial).
    @inlinable @inline(__always) public static func log(_ x: V) -> V {
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        var e = exactFloat((bits &>> 23) & 0xFF) - 126
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: V.self)  // [0.5, 1)
        let small = m .< 0.707106781186547524
        e = e.replacing(with: e - 1, where: small)
        m = m.replacing(with: m + m, where: small) - 1
        let z = m * m
        var y = V(repeating: 7.0376836292e-2)
        y = y * m - c(1.1514610310e-1)
        y = y * m + c(1.1676998740e-1)
        y = y * m - c(1.2420140846e-1)
        y = y * m + c(1.4249322787e-1)
        y = y * m - c(1.6668057665e-1)
        y = y * m + c(2.0000714765e-1)
        y = y * m - c(2.4999993993e-1)
        y = y * m + c(3.3333331174e-1)
        y = y * m * z
        y = y + e * -2.12194440e-4
        y = y - 0.5 * z
        return m + y + e * 0.693359375
    }

    /// e^{−a} for 0 ≤ a ≤ 80: 2^{−y} with y = a·log2 e split into integer and fraction parts.
    @inlinable @inline(__always) public static func expNegative(_ a: V) -> V {
        var y = a * 1.4426950408889634
        y = y.replacing(with: 126, where: y .> 126)
        var nf = roundNearest(y)
        nf = nf.replacing(with: nf - 1, where: nf .> y)  // floor
        let f = y - nf  // [0, 1)
        let i = unsafeBitCast(nf + 8_388_608, to: SIMD8<UInt32>.self) & 0x007F_FFFF
        // 2^{−f} = e^{−f ln 2}, Taylor to degree 7 on [0, ln 2): relative error < 2e-8
        let t = f * -0.6931471805599453
        var p = V(repeating: 1.0 / 5040)
        p = p * t + c(1.0 / 720)
        p = p * t + c(1.0 / 120)
        p = p * t + c(1.0 / 24)
        p = p * t + c(1.0 / 6)
        p = p * t + c(0.5)
        p = p * t + c(1)
        p = p * t + c(1)
        let scale = unsafeBitCast((127 &- i) &<< 23, to: V.self)
        return p * scale
    }

    /// tanh(x / 2) = sign(x)·(1 − e^{−|x|}) / (1 + e^{−|x|}).
    @inlinable @inline(__always) public static func tanhHalf(_ x: V) -> V {
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let a = unsafeBitCast(bits & 0x7FFF_FFFF, to: V.self)
        let e = expNegative(a)
        let t = (1 - e) / (1 + e)
        return unsafeBitCast(unsafeBitCast(t, to: SIMD8<UInt32>.self) | (bits & 0x8000_0000), to: V.self)
    }

    /// 2·atanh(p) = ln((1 + p) / (1 − p)) for |p| < 1.
    @inlinable @inline(__always) public static func twoAtanh(_ p: V) -> V {
        log((1 + p) / (1 - p))
    }

    /// Exact Float of integers below 2^23: the bit pattern 2^23 + x read as a float, minus 2^23.
    /// (The generic SIMD integer-to-float initialiser is scalarised on Linux; this is one or and one subtract.)
    @inlinable @inline(__always) public static func exactFloat(_ x: SIMD8<UInt32>) -> V {
        unsafeBitCast(x | 0x4B00_0000, to: V.self) - 8_388_608
    }

    /// Float of any 32-bit unsigned lanes, rounded to 24 significant bits.
    @inlinable @inline(__always) public static func float(_ x: SIMD8<UInt32>) -> V {
        exactFloat(x &>> 16) * 65_536 + exactFloat(x & 0xFFFF)
    }

    /// Round to the nearest integer (ties to even) for |x| < 2^22, by the 1.5·2^23 trick.
    @inlinable @inline(__always) public static func roundNearest(_ x: V) -> V {
        let magic: Float = 12_582_912  // 1.5 · 2^23
        return (x + magic) - magic
    }
}
