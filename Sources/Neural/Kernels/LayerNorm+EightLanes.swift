/// `LayerNormKernel` on eight lanes for widths that are a multiple of 8 (the same formulas; row sums are
/// accumulated in eight partial sums, so results differ from the scalar twin only by summation order).
extension LayerNormKernel {
    typealias V8 = SIMD8<Float>

    @inline(__always) static func ld(_ p: UnsafePointer<Float>) -> V8 { UnsafeRawPointer(p).loadUnaligned(as: V8.self) }
    @inline(__always) static func ld(_ p: UnsafeMutablePointer<Float>) -> V8 {
        UnsafeRawPointer(p).loadUnaligned(as: V8.self)
    }
    @inline(__always) static func st(_ v: V8, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self)
    }

    static func forwardEightLanes(
        x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
        rstd: UnsafeMutablePointer<Float>, rows: Int, channels C: Int
    ) {
        let groups = C / 8, inverseC = 1 / Float(C)
        for r in 0..<rows {
            let xr = x + r * C, yr = y + r * C
            var acc = V8()
            for g in 0..<groups { acc = acc + ld(xr + 8 * g) }
            let m = acc.sum() * inverseC
            let mv = V8(repeating: m)
            var sq = V8()
            for g in 0..<groups { let d = ld(xr + 8 * g) - mv; sq = sq + d * d }
            let s = 1 / (sq.sum() * inverseC + eps).squareRoot()
            let sv = V8(repeating: s)
            for g in 0..<groups { st((ld(xr + 8 * g) - mv) * sv * ld(gamma + 8 * g) + ld(beta + 8 * g), yr + 8 * g) }
            mean[r] = m
            rstd[r] = s
        }
    }

    static func backwardEightLanes(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>, dGamma: UnsafeMutablePointer<Float>,
        dBeta: UnsafeMutablePointer<Float>, rows: Int, channels C: Int
    ) {
        let groups = C / 8, inverseC = 1 / Float(C)
        for r in 0..<rows {
            let xr = x + r * C, dyr = dy + r * C, dxr = dx + r * C
            let mv = V8(repeating: mean[r]), sv = V8(repeating: rstd[r])
            var accD = V8(), accDN = V8()
            for g in 0..<groups {
                let norm = (ld(xr + 8 * g) - mv) * sv
                let dnorm = ld(dyr + 8 * g) * ld(gamma + 8 * g)
                accD = accD + dnorm
                accDN = accDN + dnorm * norm
            }
            let meanD = V8(repeating: accD.sum() * inverseC), meanDN = V8(repeating: accDN.sum() * inverseC)
            for g in 0..<groups {
                let o = 8 * g
                let norm = (ld(xr + o) - mv) * sv
                let d = ld(dyr + o)
                let dnorm = d * ld(gamma + o)
                st(ld(dBeta + o) + d, dBeta + o)
                st(ld(dGamma + o) + d * norm, dGamma + o)
                st(ld(dxr + o) + (dnorm - meanD - norm * meanDN) * sv, dxr + o)
            }
        }
    }
}
