import Base
import Foundation

/// Fused masked multi-head scaled dot-product attention over the allowed pairs only (Vaswani et al. 2017).
///
/// q, k, v, out: [B, L, d] with H heads of width dh = d/H (head h uses columns h·dh ..< (h+1)·dh).
/// For each batch, head and query i: s_j = q_i·k_j/√dh over the allowed keys j, p = softmax(s),
/// p̃ = dropout(p) in training, out_i = Σ_j p̃_j v_j. Work and memory are O(B·pairs·d), so a sparse
/// Tanner-graph mask (CCSDS-128-64 allows 13% of the pairs) costs 13% of dense attention.
///
/// Layout for speed with narrow heads (d = 32 has dh = 4): every (query, key) pair is processed for all
/// heads at once along the contiguous d columns, so the inner loops run over d, not dh.
/// Cache: probabilities p and dropout keep flags, each [B, pairs, H].
/// With H = 8 a vectorised path runs: the AVX2 kernels of `CKernels` or the Swift SIMD8 twin
/// (`Attention+EightHeads.swift`), as `kernels` says; `.reference` runs the loops below, for any H.
/// `storeProbabilities: false` (inference) lets the fast paths leave `probabilities` unnormalised; backward needs them.
///
/// - `headMask` [pairs, H], 1 = head h may use the pair, 0 = it may not (head-partitioned attention, AECCT's
///   HPSA): the softmax of head h runs over its own allowed keys; the fused eight-head paths take the flags as a lane
///   mask (the same work per pair as without it). A query with no allowed key in a head gets a zero output from that
///   head (and zero gradients), not the uniform average a −1e9 mask would give.
/// - `scoreScale` [pairs]: s_j = (q_i·k_j/√dh)·φ_t for the pair t = (i, j), all batches and heads (the learned
///   codes' φ(M)); backward accumulates ∂ℓ/∂φ_t into `dScoreScale`.
public enum MaskedAttention {
    public static func forward(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, probabilities: UnsafeMutablePointer<Float>,
        keep: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>? = nil,
        dropout: Dropout?, stream: UInt64,
        pattern: AttentionPattern, batch B: Int, heads H: Int, width d: Int,
        batchOffset: Int = 0, storeProbabilities: Bool = true,
        headMask: UnsafePointer<Float>? = nil, scoreScale: UnsafePointer<Float>? = nil,
        kernels: KernelPath = .best
    ) {
        if H == 8 && kernels != .reference {
            withScratch(scratch, count: scratchCount(batch: B, heads: H, width: d, pattern: pattern)) {
                if kernels.runnable.usesAVX2 && scoreScale == nil {
                    forwardEightHeadsAVX2(
                        q: q, k: k, v: v, out: out, probabilities: probabilities, keep: keep, dropout: dropout,
                        stream: stream, pattern: pattern, batch: B, width: d, batchOffset: batchOffset,
                        storeProbabilities: storeProbabilities, headMask: headMask, scratch: $0)
                } else {
                    forwardEightHeads(
                        q: q, k: k, v: v, out: out, probabilities: probabilities, keep: keep, dropout: dropout,
                        stream: stream, pattern: pattern, batch: B, width: d, batchOffset: batchOffset,
                        storeProbabilities: storeProbabilities, headMask: headMask, scoreScale: scoreScale,
                        scratch: $0)
                }
            }
            return
        }
        let L = pattern.length, dh = d / H, P = pattern.pairCount
        let scale = 1 / Float(dh).squareRoot()
        let prod = UnsafeMutablePointer<Float>.allocate(capacity: d)
        let weights = UnsafeMutablePointer<Float>.allocate(capacity: d)
        let mx = UnsafeMutablePointer<Float>.allocate(capacity: H)
        let sum = UnsafeMutablePointer<Float>.allocate(capacity: H)
        let dropped = UnsafeMutablePointer<Float>.allocate(capacity: H)
        defer { [prod, weights, mx, sum, dropped].forEach { $0.deallocate() } }
        pattern.rowStart.withUnsafeBufferPointer { start in
            pattern.keys.withUnsafeBufferPointer { keys in
                for b in 0..<B {
                    let probs = probabilities + b * P * H
                    for i in 0..<L {
                        let qi = q + (b * L + i) * d
                        let s = start[i], e = start[i + 1]
                        for h in 0..<H { mx[h] = -Float.infinity; sum[h] = 0 }
                        // scores of all heads for each allowed key
                        for t in s..<e {
                            let kj = k + (b * L + keys[t]) * d
                            for c in 0..<d { prod[c] = qi[c] * kj[c] }
                            let row = probs + t * H
                            let pairScale = scoreScale.map { scale * $0[t] } ?? scale
                            for h in 0..<H {
                                var dot: Float = 0
                                for c in 0..<dh { dot += prod[h * dh + c] }
                                dot *= pairScale
                                if let headMask, headMask[t * H + h] == 0 { dot = -.infinity }
                                row[h] = dot
                                mx[h] = max(mx[h], dot)
                            }
                        }
                        for t in s..<e {
                            let row = probs + t * H
                            for h in 0..<H {
                                let x = row[h] == -.infinity ? 0 : expf(row[h] - mx[h])
                                row[h] = x; sum[h] += x
                            }
                        }
                        for h in 0..<H { sum[h] = sum[h] > 0 ? 1 / sum[h] : 0 }
                        let oi = out + (b * L + i) * d
                        for c in 0..<d { oi[c] = 0 }
                        for t in s..<e {
                            let row = probs + t * H
                            for h in 0..<H { row[h] *= sum[h] }
                            var w = UnsafePointer(row)
                            if let dropout, let keep {
                                dropout.forward(
                                    row, dropped, keep: keep + b * P * H + t * H, count: H, stream: stream,
                                    offset: ((batchOffset + b) * P + t) * H)
                                w = UnsafePointer(dropped)
                            }
                            for h in 0..<H { for c in 0..<dh { weights[h * dh + c] = w[h] } }
                            let vj = v + (b * L + keys[t]) * d
                            for c in 0..<d { oi[c] += weights[c] * vj[c] }
                        }
                    }
                }
            }
        }
    }

    /// Accumulates dq, dk, dv from dOut, using the cached probabilities (and keep flags with dropout);
    /// `accumulate: false` writes them instead (no zeroing pass needed before).
    public static func backward(
        dOut: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
        v: UnsafePointer<Float>, probabilities: UnsafePointer<Float>,
        keep: UnsafePointer<Float>?, dropout: Dropout?, scratch: UnsafeMutablePointer<Float>? = nil,
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
        pattern: AttentionPattern, batch B: Int, heads H: Int, width d: Int, accumulate: Bool = true,
        scoreScale: UnsafePointer<Float>? = nil, dScoreScale: UnsafeMutablePointer<Float>? = nil,
        kernels: KernelPath = .best
    ) {
        let generic = kernels == .reference
        if H == 8 && !generic && kernels.runnable.usesAVX2 && scoreScale == nil {
            withScratch(scratch, count: scratchCount(batch: B, heads: H, width: d, pattern: pattern)) {
                backwardEightHeadsAVX2(
                    dOut: dOut, q: q, k: k, v: v, probabilities: probabilities, keep: keep, dropout: dropout,
                    dq: dq, dk: dk, dv: dv, pattern: pattern, batch: B, width: d, accumulate: accumulate, scratch: $0)
            }
            return
        }
        if !accumulate { for g in [dq, dk, dv] { g.initialize(repeating: 0, count: B * pattern.length * d) } }
        if H == 8 && !generic {
            withScratch(scratch, count: scratchCount(batch: B, heads: H, width: d, pattern: pattern)) {
                backwardEightHeads(
                    dOut: dOut, q: q, k: k, v: v, probabilities: probabilities, keep: keep, dropout: dropout,
                    dq: dq, dk: dk, dv: dv, pattern: pattern, batch: B, width: d,
                    scoreScale: scoreScale, dScoreScale: dScoreScale, scratch: $0)
            }
            return
        }
        let L = pattern.length, dh = d / H, P = pattern.pairCount
        let scale = 1 / Float(dh).squareRoot()
        let keepScale: Float = dropout.map { $0.scale } ?? 1
        let maxRow = (0..<L).map { pattern.rowStart[$0 + 1] - pattern.rowStart[$0] }.max() ?? 0
        let dp = UnsafeMutablePointer<Float>.allocate(capacity: max(1, maxRow * H))
        let prod = UnsafeMutablePointer<Float>.allocate(capacity: d)
        let weights = UnsafeMutablePointer<Float>.allocate(capacity: d)
        let dot = UnsafeMutablePointer<Float>.allocate(capacity: H)
        defer { [dp, prod, weights, dot].forEach { $0.deallocate() } }
        pattern.rowStart.withUnsafeBufferPointer { start in
            pattern.keys.withUnsafeBufferPointer { keys in
                for b in 0..<B {
                    let probs = probabilities + b * P * H
                    let keepB = keep.map { $0 + b * P * H }
                    for i in 0..<L {
                        let s = start[i], e = start[i + 1]
                        let doi = dOut + (b * L + i) * d
                        for h in 0..<H { dot[h] = 0 }
                        // dp̃_j = dout_i · v_j (per head); dv_j += p̃_j dout_i; dp_j = dp̃_j · keep/(1−p)
                        for t in s..<e {
                            let row = probs + t * H
                            let vj = v + (b * L + keys[t]) * d, dvj = dv + (b * L + keys[t]) * d
                            for h in 0..<H {
                                let kf: Float = keepB.map { $0[t * H + h] * keepScale } ?? 1
                                for c in 0..<dh { weights[h * dh + c] = row[h] * kf }
                            }
                            for c in 0..<d { dvj[c] += weights[c] * doi[c]; prod[c] = doi[c] * vj[c] }
                            let g = dp + (t - s) * H
                            for h in 0..<H {
                                var x: Float = 0
                                for c in 0..<dh { x += prod[h * dh + c] }
                                let kf: Float = keepB.map { $0[t * H + h] * keepScale } ?? 1
                                g[h] = x * kf
                                dot[h] += g[h] * row[h]
                            }
                        }
                        // softmax backward, then the scaled dot products
                        let qi = q + (b * L + i) * d, dqi = dq + (b * L + i) * d
                        for t in s..<e {
                            let row = probs + t * H, g = dp + (t - s) * H
                            let kj = k + (b * L + keys[t]) * d, dkj = dk + (b * L + keys[t]) * d
                            let pairScale = scoreScale.map { scale * $0[t] } ?? scale
                            if let dScoreScale {
                                // ∂ℓ/∂φ_t = Σ_h ∂ℓ/∂s_h · (q·k)_h/√dh
                                for c in 0..<d { prod[c] = qi[c] * kj[c] }
                                var acc: Float = 0
                                for h in 0..<H {
                                    var x: Float = 0
                                    for c in 0..<dh { x += prod[h * dh + c] }
                                    acc += row[h] * (g[h] - dot[h]) * x * scale
                                }
                                dScoreScale[t] += acc
                            }
                            for h in 0..<H {
                                let ds = row[h] * (g[h] - dot[h]) * pairScale
                                for c in 0..<dh { weights[h * dh + c] = ds }
                            }
                            for c in 0..<d { dqi[c] += weights[c] * kj[c]; dkj[c] += weights[c] * qi[c] }
                        }
                    }
                }
            }
        }
    }

    /// Floats of scratch the kernels need for a batch (callers that run them repeatedly keep one buffer).
    public static func scratchCount(batch B: Int, heads H: Int, width d: Int, pattern: AttentionPattern) -> Int {
        guard H == 8 else { return 0 }
        let maxRow = (0..<pattern.length).map { pattern.rowStart[$0 + 1] - pattern.rowStart[$0] }.max() ?? 0
        return 7 * B * pattern.length * d + 8 * maxRow + d
    }

    static func withScratch(
        _ given: UnsafeMutablePointer<Float>?, count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void
    ) {
        if let given { body(given); return }
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
        defer { p.deallocate() }
        body(p)
    }

    /// Dense reference twin (no dropout): scores over all pairs, masked ones set to −1e9 before the softmax.
    public static func reference(
        q: [Float], k: [Float], v: [Float], allowed: [Bool], batch B: Int, length L: Int,
        heads H: Int, width d: Int
    ) -> [Float] {
        let dh = d / H
        var out = [Float](repeating: 0, count: B * L * d)
        for b in 0..<B {
            for h in 0..<H {
                for i in 0..<L {
                    var scores = [Double](repeating: 0, count: L)
                    for j in 0..<L {
                        var dot = 0.0
                        for c in 0..<dh {
                            dot += Double(q[(b * L + i) * d + h * dh + c]) * Double(k[(b * L + j) * d + h * dh + c])
                        }
                        scores[j] = allowed[i * L + j] ? dot / Double(dh).squareRoot() : -1e9
                    }
                    let mx = scores.max()!
                    let e = scores.map { Foundation.exp($0 - mx) }
                    let sum = e.reduce(0, +)
                    for j in 0..<L {
                        for c in 0..<dh {
                            out[(b * L + i) * d + h * dh + c] += Float(e[j] / sum) * v[(b * L + j) * d + h * dh + c]
                        }
                    }
                }
            }
        }
        return out
    }
}
