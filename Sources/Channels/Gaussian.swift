import Base
import CKernels
import Codes
import Foundation

/// Standard normal samples, eight lanes at a time: xoshiro128+ in SIMD lanes feeding a vectorised
/// Box–Muller transform with polynomial log / sin / cos (`SIMDMath`, Cephes-style, ~1e-7 relative error).
///
/// z0 = r cos θ, z1 = r sin θ with r = √(−2 ln u1), u1 ∈ (0, 1] (32-bit resolution: |z| ≤ 6.8),
/// θ = 2π (u2 − ½). `GaussianGenerator.reference` is the scalar twin over the same uniforms.
public struct GaussianGenerator: Sendable {
    @usableFromInline var s0, s1, s2, s3: SIMD8<UInt32>

    /// Eight independent xoshiro128+ lanes seeded from one 64-bit seed.
    public init(seed: UInt64) {
        var sm = seed
        func lane() -> SIMD8<UInt32> {
            var v = SIMD8<UInt32>()
            for i in 0..<8 { v[i] = UInt32(truncatingIfNeeded: splitMix64(&sm) >> 32) | 1 }
            return v
        }
        s0 = lane(); s1 = lane(); s2 = lane(); s3 = lane()
    }

    public init<G: RandomNumberGenerator>(using rng: inout G) { self.init(seed: rng.next()) }

    /// Next eight uniform 32-bit words (xoshiro128+, Blackman & Vigna).
    @inlinable @inline(__always) mutating func nextWords() -> SIMD8<UInt32> {
        let result = s0 &+ s3
        let t = s1 &<< 9
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 &<< 11) | (s3 &>> 21)
        return result
    }

    /// Uniforms for one Box–Muller step: u1 ∈ (0, 1], v ∈ [−½, ½).
    @inlinable @inline(__always) mutating func nextUniforms() -> (u1: SIMD8<Float>, v: SIMD8<Float>) {
        let a = nextWords(), b = nextWords()
        let u1 = (SIMDMath.float(a) + 0.5) * 0x1p-32
        // upper 23 bits as a float in [1, 2), shifted to [−½, ½)
        let fb = unsafeBitCast((b &>> 9) | 0x3F80_0000, to: SIMD8<Float>.self) - 1.5
        return (u1, fb)
    }

    /// Fill `out` with N(0, 1) samples. `kernels: .reference` transforms the same uniforms with the scalar libm
    /// twin (`reference(u1:v:)`), so both paths give the same samples to rounding.
    @inlinable public mutating func fill(_ out: UnsafeMutableBufferPointer<Float>, kernels: KernelPath = .best) {
        var i = 0
        let n = out.count
        guard let base = out.baseAddress else { return }
        if kernels.runnable.usesAVX2 {
            fillAVX2(base, count: n)
            return
        }
        if kernels == .reference {
            while i < n {
                let (u1, v) = nextUniforms()
                for j in 0..<8 {
                    let (z0, z1) = GaussianGenerator.reference(u1: u1[j], v: v[j])
                    if i + j < n { base[i + j] = z0 }
                    if i + 8 + j < n { base[i + 8 + j] = z1 }
                }
                i += 16
            }
            return
        }
        while i + 16 <= n {
            let (u1, v) = nextUniforms()
            let (z0, z1) = GaussianGenerator.boxMuller(u1, v)
            UnsafeMutableRawPointer(base + i).storeBytes(of: z0, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(base + i + 8).storeBytes(of: z1, as: SIMD8<Float>.self)
            i += 16
        }
        if i < n {
            let (u1, v) = nextUniforms()
            let (z0, z1) = GaussianGenerator.boxMuller(u1, v)
            var j = 0
            while i < n { out[i] = j < 8 ? z0[j] : z1[j - 8]; i += 1; j += 1 }
        }
    }

    /// The AVX2 kernel (`nk_gaussian_fill`) on this generator's state.
    @usableFromInline mutating func fillAVX2(_ out: UnsafeMutablePointer<Float>, count: Int) {
        var state = [UInt32](repeating: 0, count: 32)
        for (k, lane) in [s0, s1, s2, s3].enumerated() { for j in 0..<8 { state[8 * k + j] = lane[j] } }
        nk_gaussian_fill(&state, out, count)
        for j in 0..<8 { s0[j] = state[j]; s1[j] = state[8 + j]; s2[j] = state[16 + j]; s3[j] = state[24 + j] }
    }

    public mutating func fill(_ out: inout [Float], kernels: KernelPath = .best) {
        out.withUnsafeMutableBufferPointer { fill($0, kernels: kernels) }
    }

    /// Box–Muller on eight lanes: returns (r cos 2πv, r sin 2πv), r = √(−2 ln u1).
    @inlinable @inline(__always)
    public static func boxMuller(_ u1: SIMD8<Float>, _ v: SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>) {
        let r = (-2 * SIMDMath.log(u1)).squareRoot()
        let (c, s) = sinCosTurns(v)
        return (r * c, r * s)
    }

    /// (cos 2πv, sin 2πv) for v ∈ [−½, ½]: quadrant reduction, then Cephes sin/cos on [−π/4, π/4].
    @inlinable @inline(__always)
    public static func sinCosTurns(_ v: SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>) {
        let q = SIMDMath.roundNearest(v * 4)
        let a = (v - q * 0.25) * 6.283185307179586
        let a2 = a * a
        var s = SIMD8<Float>(repeating: -1.9515295891e-4)
        s = s * a2 + 8.3321608736e-3
        s = s * a2 - 1.6666654611e-1
        s = s * a2 * a + a
        var c = SIMD8<Float>(repeating: 2.443315711809948e-5)
        c = c * a2 - 1.388731625493765e-3
        c = c * a2 + 4.166664568298827e-2
        c = c * a2 * a2 - 0.5 * a2 + 1
        // rotate by q quarter turns, q ∈ {−2, −1, 0, 1, 2}: (cos, sin)(a + qπ/2)
        let one = q .== 1, minusOne = q .== -1, two = q .== 2 .| q .== -2
        var cosOut = c.replacing(with: -s, where: one)
        var sinOut = s.replacing(with: c, where: one)
        cosOut = cosOut.replacing(with: s, where: minusOne)
        sinOut = sinOut.replacing(with: -c, where: minusOne)
        cosOut = cosOut.replacing(with: -c, where: two)
        sinOut = sinOut.replacing(with: -s, where: two)
        return (cosOut, sinOut)
    }

    /// Scalar reference twin: the same Box–Muller transform with the C library's log, cos and sin.
    public static func reference(u1: Float, v: Float) -> (Float, Float) {
        let r = (-2 * Foundation.log(Double(u1))).squareRoot()
        let theta = 2 * Double.pi * Double(v)
        return (Float(r * cos(theta)), Float(r * sin(theta)))
    }
}
