import Base
import Neural

/// The fast path of `SpectralEncodingLayer` for C = 8 channels (the AECCT's): the eight channels of a token sit in
/// one `SIMD8<Float>`, so each channel's softmax over the eight is one vector exp (`SIMDMath.expNegative`).
/// Backward per token, with p_a the softmax row of channel a, o_a its output and g_a = ∂ℓ/∂o_a:
/// ∂ℓ/∂v += g_a·p_a + (g_a·p_a ⊙ (v − o_a))·v_a, and ∂ℓ/∂v_a += Σ (g_a·p_a ⊙ (v − o_a)) ⊙ v.
extension SpectralEncodingLayer {
    typealias V8 = SIMD8<Float>

    @inline(__always) func projection(_ p: UnsafePointer<Float>) -> (V8, V8, V8) {
        var w0 = V8(), w1 = V8(), b = V8()
        for a in 0..<8 { w0[a] = p[weight + a * 2]; w1[a] = p[weight + a * 2 + 1]; b[a] = p[bias + a] }
        return (w0, w1, b)
    }

    /// Softmax row a of token v (normalised) and its output o_a.
    @inline(__always) static func row(_ v: V8, _ a: Int) -> (p: V8, o: Float) {
        let s = v[a] * v
        let e = SIMDMath.expNegative(s.max() - s)
        let p = e / e.sum()
        return (p, (p * v).sum())
    }

    func forwardEightChannels(
        table: UnsafePointer<Float>, spe: UnsafeMutablePointer<Float>, parameters p: UnsafePointer<Float>
    ) {
        let L = length, (w0, w1, b) = projection(p), inverse = 1 / Float(L)
        for i in 0..<L {
            var acc = V8()
            for j in 0..<L {
                let t = table + (i * L + j) * 2
                let v = w0 * t[0] + w1 * t[1] + b
                var o = V8()
                for a in 0..<8 { o[a] = Self.row(v, a).o }
                acc += o
            }
            let out = acc * inverse
            for a in 0..<8 { spe[i * 8 + a] = out[a] }
        }
    }

    func backwardEightChannels(
        table: UnsafePointer<Float>, dSpe: UnsafePointer<Float>, parameters p: UnsafePointer<Float>,
        gradients g: UnsafeMutablePointer<Float>
    ) {
        let L = length, (w0, w1, b) = projection(p), inverse = 1 / Float(L)
        var gw0 = V8(), gw1 = V8(), gb = V8()
        for i in 0..<L {
            var dOut = V8()
            for a in 0..<8 { dOut[a] = dSpe[i * 8 + a] * inverse }
            for j in 0..<L {
                let t = table + (i * L + j) * 2
                let v = w0 * t[0] + w1 * t[1] + b
                var dv = V8()
                for a in 0..<8 {
                    let (pa, oa) = Self.row(v, a)
                    let gp = dOut[a] * pa
                    let ds = gp * (v - oa)
                    dv += gp + ds * v[a]
                    dv[a] += (ds * v).sum()
                }
                gw0 += dv * t[0]; gw1 += dv * t[1]; gb += dv
            }
        }
        for a in 0..<8 { g[weight + a * 2] += gw0[a]; g[weight + a * 2 + 1] += gw1[a]; g[bias + a] += gb[a] }
    }
}
