import Foundation

/// Which (query, key) pairs may interact, as compressed rows: the keys of query i are
/// `keys[rowStart[i] ..< rowStart[i + 1]]`, ascending. The same pattern serves every batch and head.
public struct AttentionPattern: Sendable, Equatable {
    public let length: Int
    public let rowStart: [Int]
    public let keys: [Int]
    public var pairCount: Int { keys.count }

    /// From a dense row-major [L, L] mask (true = may attend). Every row needs at least one allowed key.
    public init(allowed: [Bool], length L: Int) {
        precondition(allowed.count == L * L, "AttentionPattern: \(allowed.count) entries for L = \(L)")
        var start = [0], keys: [Int] = []
        for i in 0..<L {
            for j in 0..<L where allowed[i * L + j] { keys.append(j) }
            precondition(keys.count > start.last!, "AttentionPattern: query \(i) may attend to no key")
            start.append(keys.count)
        }
        self.length = L
        self.rowStart = start
        self.keys = keys
    }

    /// Every pair allowed.
    public static func full(_ L: Int) -> AttentionPattern { AttentionPattern(allowed: .init(repeating: true, count: L * L), length: L) }
}

/// Fused masked multi-head scaled dot-product attention over the allowed pairs only (Vaswani et al. 2017).
///
/// q, k, v, out: [B, L, d] with H heads of width dh = d/H (head h uses columns h·dh ..< (h+1)·dh).
/// For each batch, head and query i: s_j = q_i·k_j/√dh over the allowed keys j, p = softmax(s),
/// p̃ = dropout(p) in training, out_i = Σ_j p̃_j v_j. Work and memory are O(B·H·pairs·dh), so a sparse
/// Tanner-graph mask (CCSDS-128-64 allows 13% of the pairs) costs 13% of dense attention.
/// Cache: probabilities p and dropout keep flags, each [B, H, pairs].
public enum MaskedAttention {
    public static func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                               out: UnsafeMutablePointer<Float>, probabilities: UnsafeMutablePointer<Float>,
                               keep: UnsafeMutablePointer<Float>?, dropout: Dropout?, stream: UInt64,
                               pattern: AttentionPattern, batch B: Int, heads H: Int, width d: Int,
                               batchOffset: Int = 0) {
        let L = pattern.length, dh = d / H, P = pattern.pairCount
        let scale = 1 / Float(dh).squareRoot()
        let maxRow = (0..<L).map { pattern.rowStart[$0 + 1] - pattern.rowStart[$0] }.max() ?? 0
        let pp = UnsafeMutablePointer<Float>.allocate(capacity: max(1, maxRow))
        defer { pp.deallocate() }
        pattern.rowStart.withUnsafeBufferPointer { start in
            pattern.keys.withUnsafeBufferPointer { keys in
                for b in 0..<B {
                    for h in 0..<H {
                        let probs = probabilities + (b * H + h) * P
                        for i in 0..<L {
                            let qi = q + (b * L + i) * d + h * dh
                            let s = start[i], e = start[i + 1]
                            var mx = -Float.infinity
                            for t in s..<e {
                                let kj = k + (b * L + keys[t]) * d + h * dh
                                var dot: Float = 0
                                for c in 0..<dh { dot += qi[c] * kj[c] }
                                dot *= scale
                                probs[t] = dot
                                mx = max(mx, dot)
                            }
                            var sum: Float = 0
                            for t in s..<e { let x = expf(probs[t] - mx); probs[t] = x; sum += x }
                            let inv = 1 / sum
                            for t in s..<e { probs[t] *= inv }
                            let oi = out + (b * L + i) * d + h * dh
                            for c in 0..<dh { oi[c] = 0 }
                            let keepRow = keep.map { $0 + (b * H + h) * P }
                            if let dropout, let keepRow {
                                // per-pair dropout on the probabilities; the stream index makes it thread-independent
                                let base = ((batchOffset + b) * H + h) * P
                                dropout.forward(probs + s, pp, keep: keepRow + s, count: e - s, stream: stream, offset: base + s)
                                for t in s..<e {
                                    let w = pp[t - s]
                                    let vj = v + (b * L + keys[t]) * d + h * dh
                                    for c in 0..<dh { oi[c] += w * vj[c] }
                                }
                            } else {
                                for t in s..<e {
                                    let w = probs[t]
                                    let vj = v + (b * L + keys[t]) * d + h * dh
                                    for c in 0..<dh { oi[c] += w * vj[c] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Accumulates dq, dk, dv from dOut, using the cached probabilities (and keep flags with dropout).
    public static func backward(dOut: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                                v: UnsafePointer<Float>, probabilities: UnsafePointer<Float>,
                                keep: UnsafePointer<Float>?, dropout: Dropout?,
                                dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
                                pattern: AttentionPattern, batch B: Int, heads H: Int, width d: Int) {
        let L = pattern.length, dh = d / H, P = pattern.pairCount
        let scale = 1 / Float(dh).squareRoot()
        let keepScale: Float = dropout.map { 1 / (1 - $0.p) } ?? 1
        let maxRow = (0..<L).map { pattern.rowStart[$0 + 1] - pattern.rowStart[$0] }.max() ?? 0
        let dp = UnsafeMutablePointer<Float>.allocate(capacity: max(1, maxRow))
        defer { dp.deallocate() }
        pattern.rowStart.withUnsafeBufferPointer { start in
            pattern.keys.withUnsafeBufferPointer { keys in
                for b in 0..<B {
                    for h in 0..<H {
                        let probs = probabilities + (b * H + h) * P
                        let keepRow = keep.map { $0 + (b * H + h) * P }
                        for i in 0..<L {
                            let s = start[i], e = start[i + 1]
                            let doi = dOut + (b * L + i) * d + h * dh
                            // dp̃_j = dout_i · v_j ; dv_j += p̃_j dout_i ; dp_j = dp̃_j · keep/(1−p)
                            var dot: Float = 0
                            for t in s..<e {
                                let row = (b * L + keys[t]) * d + h * dh
                                let vj = v + row, dvj = dv + row
                                let kf: Float = dropout == nil ? 1 : keepRow![t] * keepScale
                                let w = probs[t] * kf
                                var g: Float = 0
                                for c in 0..<dh { g += doi[c] * vj[c]; dvj[c] += w * doi[c] }
                                g *= kf
                                dp[t - s] = g
                                dot += g * probs[t]
                            }
                            // softmax backward, then the scaled dot products
                            let qi = q + (b * L + i) * d + h * dh, dqi = dq + (b * L + i) * d + h * dh
                            for t in s..<e {
                                let ds = probs[t] * (dp[t - s] - dot) * scale
                                let row = (b * L + keys[t]) * d + h * dh
                                let kj = k + row, dkj = dk + row
                                for c in 0..<dh { dqi[c] += ds * kj[c]; dkj[c] += ds * qi[c] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Dense reference twin (no dropout): scores over all pairs, masked ones set to −1e9 before the softmax.
    public static func reference(q: [Float], k: [Float], v: [Float], allowed: [Bool], batch B: Int, length L: Int,
                                 heads H: Int, width d: Int) -> [Float] {
        let dh = d / H
        var out = [Float](repeating: 0, count: B * L * d)
        for b in 0..<B {
            for h in 0..<H {
                for i in 0..<L {
                    var scores = [Double](repeating: 0, count: L)
                    for j in 0..<L {
                        var dot = 0.0
                        for c in 0..<dh { dot += Double(q[(b * L + i) * d + h * dh + c]) * Double(k[(b * L + j) * d + h * dh + c]) }
                        scores[j] = allowed[i * L + j] ? dot / Double(dh).squareRoot() : -1e9
                    }
                    let mx = scores.max()!
                    let e = scores.map { Foundation.exp($0 - mx) }
                    let sum = e.reduce(0, +)
                    for j in 0..<L {
                        for c in 0..<dh { out[(b * L + i) * d + h * dh + c] += Float(e[j] / sum) * v[(b * L + j) * d + h * dh + c] }
                    }
                }
            }
        }
        return out
    }
}
