import Base

/// The fast path of `MaskedAttention` for H = 8 heads (the ECCT's), any head width dh = d/8.
///
/// q, k, v are first re-laid out per row from [H, dh] (column h·dh + c) to [dh, H] (column c·8 + h), so the
/// eight heads of one (query, key) pair sit in one `SIMD8<Float>`: scores are dh vector multiply-adds, the
/// softmax runs on eight lanes (`SIMDMath.expNegative`), and the weighted sum of values is dh vector
/// multiply-adds. The probabilities cache keeps the generic layout [B, pairs, H], so both paths are
/// interchangeable; the generic loops remain the reference twin (tests compare them). A per-pair score scale
/// (the learned codes' φ(M)) runs here too: one broadcast multiply per pair, and its gradient from q′·k recomputed.
extension MaskedAttention {
    typealias V8 = SIMD8<Float>

    @inline(__always) static func load8(_ p: UnsafePointer<Float>) -> V8 {
        UnsafeRawPointer(p).loadUnaligned(as: V8.self)
    }
    @inline(__always) static func store8(_ v: V8, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self)
    }

    /// y[r, c·8 + h] = scale · x[r, h·dh + c] for R rows of width 8·dh.
    static func interleave(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows R: Int, dh: Int, scale: Float = 1
    ) {
        let d = 8 * dh
        for r in 0..<R {
            let xr = x + r * d, yr = y + r * d
            for h in 0..<8 { for c in 0..<dh { yr[c * 8 + h] = scale * xr[h * dh + c] } }
        }
    }

    /// y[r, h·dh + c] += scale · x[r, c·8 + h] (the inverse of `interleave`, accumulating).
    static func deinterleaveAdd(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows R: Int, dh: Int, scale: Float = 1
    ) {
        let d = 8 * dh
        for r in 0..<R {
            let xr = x + r * d, yr = y + r * d
            for h in 0..<8 { for c in 0..<dh { yr[h * dh + c] += scale * xr[c * 8 + h] } }
        }
    }

    static func forwardEightHeads(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, probabilities: UnsafeMutablePointer<Float>,
        keep: UnsafeMutablePointer<Float>?, dropout: Dropout?, stream: UInt64,
        pattern: AttentionPattern, batch B: Int, width d: Int, batchOffset: Int,
        storeProbabilities: Bool, headMask: UnsafePointer<Float>? = nil,
        scoreScale: UnsafePointer<Float>? = nil, scratch buffer: UnsafeMutablePointer<Float>
    ) {
        let L = pattern.length, dh = d / 8, P = pattern.pairCount, R = B * L
        let qp = buffer, kp = buffer + R * d, vp = buffer + 2 * R * d, acc = buffer + 3 * R * d
        let keepScale = V8(repeating: dropout?.scale ?? 1)
        interleave(q, qp, rows: R, dh: dh, scale: 1 / Float(dh).squareRoot())
        interleave(k, kp, rows: R, dh: dh)
        interleave(v, vp, rows: R, dh: dh)
        let one = V8(repeating: 1)
        pattern.rowStart.withUnsafeBufferPointer { start in
            pattern.keys.withUnsafeBufferPointer { keys in
                for b in 0..<B {
                    let probs = probabilities + b * P * 8
                    let base = b * L
                    for i in 0..<L {
                        let qi = qp + (base + i) * d
                        let s = start[i], e = start[i + 1]
                        var mx = V8(repeating: -Float.infinity)
                        if dh == 4 {
                            let q0 = load8(qi), q1 = load8(qi + 8), q2 = load8(qi + 16), q3 = load8(qi + 24)
                            for t in s..<e {
                                let kj = kp + (base + keys[t]) * 32
                                var a =
                                    (q0 * load8(kj) + q1 * load8(kj + 8)) + (q2 * load8(kj + 16) + q3 * load8(kj + 24))
                                if let scoreScale { a = a * V8(repeating: scoreScale[t]) }
                                if let headMask {
                                    a = a.replacing(with: -.infinity, where: load8(headMask + t * 8) .== 0)
                                }
                                store8(a, probs + t * 8)
                                mx = mx.replacing(with: a, where: a .> mx)
                            }
                        } else {
                            for t in s..<e {
                                let kj = kp + (base + keys[t]) * d
                                var a = V8()
                                for c in 0..<dh { a = a + load8(qi + 8 * c) * load8(kj + 8 * c) }
                                if let scoreScale { a = a * V8(repeating: scoreScale[t]) }
                                if let headMask {
                                    a = a.replacing(with: -.infinity, where: load8(headMask + t * 8) .== 0)
                                }
                                store8(a, probs + t * 8)
                                mx = mx.replacing(with: a, where: a .> mx)
                            }
                        }
                        // a head whose every key is masked (HPSA) gets zero weights and a zero output
                        if headMask != nil { mx = mx.replacing(with: 0, where: mx .== -.infinity) }
                        // p̂_j = e^{s_j − max}, Σ p̂_j and Σ p̂_j·keep_j/(1−p′)·v_j in one pass; normalised at the end
                        var sum = V8()
                        @inline(__always) func weight(_ t: Int) -> V8 {
                            let row = probs + t * 8
                            var x = SIMDMath.expNegative(mx - load8(row))
                            if let headMask { x = x * load8(headMask + t * 8) }
                            store8(x, row)
                            sum = sum + x
                            guard let dropout, let keep else { return x }
                            let flags = dropout.keepFlags8(stream: stream, index: ((batchOffset + b) * P + t) * 8)
                            store8(flags, keep + b * P * 8 + t * 8)
                            return x * flags * keepScale
                        }
                        if dh == 4 {
                            var a0 = V8(), a1 = V8(), a2 = V8(), a3 = V8()
                            for t in s..<e {
                                let w = weight(t)
                                let vj = vp + (base + keys[t]) * 32
                                a0 = a0 + w * load8(vj); a1 = a1 + w * load8(vj + 8)
                                a2 = a2 + w * load8(vj + 16); a3 = a3 + w * load8(vj + 24)
                            }
                            store8(a0, acc); store8(a1, acc + 8); store8(a2, acc + 16); store8(a3, acc + 24)
                        } else {
                            for c in 0..<dh { store8(V8(), acc + 8 * c) }
                            for t in s..<e {
                                let w = weight(t)
                                let vj = vp + (base + keys[t]) * d
                                for c in 0..<dh { store8(load8(acc + 8 * c) + w * load8(vj + 8 * c), acc + 8 * c) }
                            }
                        }
                        var inv = one / sum
                        if headMask != nil { inv = inv.replacing(with: 0, where: sum .== 0) }
                        for c in 0..<dh { store8(load8(acc + 8 * c) * inv, acc + 8 * c) }
                        if storeProbabilities { for t in s..<e { store8(load8(probs + t * 8) * inv, probs + t * 8) } }
                        let oi = out + (base + i) * d
                        for h in 0..<8 { for c in 0..<dh { oi[h * dh + c] = acc[c * 8 + h] } }
                    }
                }
            }
        }
    }

    static func backwardEightHeads(
        dOut: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
        v: UnsafePointer<Float>, probabilities: UnsafePointer<Float>,
        keep: UnsafePointer<Float>?, dropout: Dropout?,
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
        pattern: AttentionPattern, batch B: Int, width d: Int,
        scoreScale: UnsafePointer<Float>? = nil, dScoreScale: UnsafeMutablePointer<Float>? = nil,
        scratch buffer: UnsafeMutablePointer<Float>
    ) {
        let L = pattern.length, dh = d / 8, P = pattern.pairCount, R = B * L
        let scale = 1 / Float(dh).squareRoot()
        let keepScale = V8(repeating: dropout.map { $0.scale } ?? 1)
        let dop = buffer, qp = buffer + R * d, kp = buffer + 2 * R * d, vp = buffer + 3 * R * d
        let dqp = buffer + 4 * R * d, dkp = buffer + 5 * R * d, dvp = buffer + 6 * R * d, dp = buffer + 7 * R * d
        interleave(dOut, dop, rows: R, dh: dh)
        interleave(q, qp, rows: R, dh: dh, scale: scale)
        interleave(k, kp, rows: R, dh: dh)
        interleave(v, vp, rows: R, dh: dh)
        dqp.initialize(repeating: 0, count: 3 * R * d)
        pattern.rowStart.withUnsafeBufferPointer { start in
            pattern.keys.withUnsafeBufferPointer { keys in
                for b in 0..<B {
                    let probs = probabilities + b * P * 8
                    let keepB = keep.map { $0 + b * P * 8 }
                    let base = b * L
                    for i in 0..<L {
                        let s = start[i], e = start[i + 1]
                        let doi = dop + (base + i) * d
                        if dh == 4 {
                            backwardRowFourWide(
                                doi: doi, qi: qp + (base + i) * 32, dqi: dqp + (base + i) * 32,
                                probs: probs, keep: keepB, keepScale: keepScale, keys: keys, s: s, e: e,
                                base: base, kp: kp, vp: vp, dkp: dkp, dvp: dvp, dp: dp,
                                scoreScale: scoreScale, dScoreScale: dScoreScale)
                            continue
                        }
                        // g_j = (dout_i · v_j) per head · keep/(1−p); dv_j += p̃_j dout_i; dot = Σ_j g_j p_j
                        var dot = V8()
                        for t in s..<e {
                            let p = load8(probs + t * 8)
                            let kf = keepB.map { load8($0 + t * 8) * keepScale } ?? keepScale
                            let w = p * kf
                            let j = (base + keys[t]) * d
                            let vj = vp + j, dvj = dvp + j
                            var g = V8()
                            for c in 0..<dh {
                                let o = load8(doi + 8 * c)
                                store8(load8(dvj + 8 * c) + w * o, dvj + 8 * c)
                                g = g + o * load8(vj + 8 * c)
                            }
                            g = g * kf
                            store8(g, dp + (t - s) * 8)
                            dot = dot + g * p
                        }
                        // softmax backward ds = p (g − dot); s = (q'·k)·φ with q' = q/√dh (φ = 1 without a score scale)
                        let qi = qp + (base + i) * d, dqi = dqp + (base + i) * d
                        for t in s..<e {
                            var ds = load8(probs + t * 8) * (load8(dp + (t - s) * 8) - dot)
                            let j = (base + keys[t]) * d
                            let kj = kp + j, dkj = dkp + j
                            if let scoreScale {
                                if let dScoreScale {
                                    var a = V8()
                                    for c in 0..<dh { a = a + load8(qi + 8 * c) * load8(kj + 8 * c) }
                                    dScoreScale[t] += (ds * a).sum()
                                }
                                ds = ds * V8(repeating: scoreScale[t])
                            }
                            for c in 0..<dh {
                                store8(load8(dqi + 8 * c) + ds * load8(kj + 8 * c), dqi + 8 * c)
                                store8(load8(dkj + 8 * c) + ds * load8(qi + 8 * c), dkj + 8 * c)
                            }
                        }
                    }
                }
            }
        }
        deinterleaveAdd(dqp, dq, rows: R, dh: dh, scale: scale)
        deinterleaveAdd(dkp, dk, rows: R, dh: dh)
        deinterleaveAdd(dvp, dv, rows: R, dh: dh)
    }

    /// One query row of `backwardEightHeads` for dh = 4 (d = 32), with dout_i, q′_i and dq_i in registers.
    @inline(__always)
    static func backwardRowFourWide(
        doi: UnsafePointer<Float>, qi: UnsafePointer<Float>, dqi: UnsafeMutablePointer<Float>,
        probs: UnsafePointer<Float>, keep: UnsafePointer<Float>?, keepScale: V8,
        keys: UnsafeBufferPointer<Int>, s: Int, e: Int, base: Int,
        kp: UnsafePointer<Float>, vp: UnsafePointer<Float>,
        dkp: UnsafeMutablePointer<Float>, dvp: UnsafeMutablePointer<Float>, dp: UnsafeMutablePointer<Float>,
        scoreScale: UnsafePointer<Float>? = nil, dScoreScale: UnsafeMutablePointer<Float>? = nil
    ) {
        let o0 = load8(doi), o1 = load8(doi + 8), o2 = load8(doi + 16), o3 = load8(doi + 24)
        var dot = V8()
        for t in s..<e {
            let p = load8(probs + t * 8)
            let kf = keep.map { load8($0 + t * 8) * keepScale } ?? keepScale
            let w = p * kf
            let j = (base + keys[t]) * 32
            let vj = vp + j, dvj = dvp + j
            store8(load8(dvj) + w * o0, dvj); store8(load8(dvj + 8) + w * o1, dvj + 8)
            store8(load8(dvj + 16) + w * o2, dvj + 16); store8(load8(dvj + 24) + w * o3, dvj + 24)
            let g = ((o0 * load8(vj) + o1 * load8(vj + 8)) + (o2 * load8(vj + 16) + o3 * load8(vj + 24))) * kf
            store8(g, dp + (t - s) * 8)
            dot = dot + g * p
        }
        let q0 = load8(qi), q1 = load8(qi + 8), q2 = load8(qi + 16), q3 = load8(qi + 24)
        var a0 = V8(), a1 = V8(), a2 = V8(), a3 = V8()
        for t in s..<e {
            var ds = load8(probs + t * 8) * (load8(dp + (t - s) * 8) - dot)
            let j = (base + keys[t]) * 32
            let kj = kp + j, dkj = dkp + j
            if let scoreScale {
                if let dScoreScale {
                    let a = (q0 * load8(kj) + q1 * load8(kj + 8)) + (q2 * load8(kj + 16) + q3 * load8(kj + 24))
                    dScoreScale[t] += (ds * a).sum()
                }
                ds = ds * V8(repeating: scoreScale[t])
            }
            a0 = a0 + ds * load8(kj); a1 = a1 + ds * load8(kj + 8); a2 = a2 + ds * load8(kj + 16);
            a3 = a3 + ds * load8(kj + 24)
            store8(load8(dkj) + ds * q0, dkj); store8(load8(dkj + 8) + ds * q1, dkj + 8)
            store8(load8(dkj + 16) + ds * q2, dkj + 16); store8(load8(dkj + 24) + ds * q3, dkj + 24)
        }
        store8(load8(dqi) + a0, dqi); store8(load8(dqi + 8) + a1, dqi + 8)
        store8(load8(dqi + 16) + a2, dqi + 16); store8(load8(dqi + 24) + a3, dqi + 24)
    }
}
