import Base
import Foundation

@testable import Neural

/// Calls `body` with the array's base address, or nil for no array.
func withOptionalPointer<R>(_ a: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let a else { return body(nil) }
    return a.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Masked attention forward on q, k, v = xs[0], xs[1], xs[2], each [B, L, d], with no dropout: the output [B, L, d]
/// and the probabilities [B, H, P], with an optional per-head mask [P, H] or per-pair score scale [P].
func attentionForward(
    _ xs: [[Float]], pattern: AttentionPattern, batch B: Int, heads H: Int, width d: Int, headMask: [Float]? = nil,
    scoreScale: [Float]? = nil, kernels: KernelPath = .best
) -> (out: [Float], probabilities: [Float]) {
    var out = [Float](repeating: 0, count: B * pattern.length * d)
    var probabilities = [Float](repeating: 0, count: B * H * pattern.pairCount)
    withOptionalPointer(headMask) { mask in
        withOptionalPointer(scoreScale) { scale in
            MaskedAttention.forward(
                q: xs[0], k: xs[1], v: xs[2], out: &out, probabilities: &probabilities, keep: nil, dropout: nil,
                stream: 0, pattern: pattern, batch: B, heads: H, width: d, headMask: mask, scoreScale: scale,
                kernels: kernels)
        }
    }
    return (out, probabilities)
}

/// Masked attention backward for `attentionForward` (or a dropout forward, given its keep mask [B, H, P] and dropout):
/// [dq, dk, dv], each [B, L, d], written afresh.
func attentionBackward(
    _ dy: [Float], _ xs: [[Float]], probabilities: [Float], keep: [Float]? = nil, dropout: Dropout? = nil,
    pattern: AttentionPattern, batch B: Int, heads H: Int, width d: Int, kernels: KernelPath = .best
) -> [[Float]] {
    var dq = [Float](repeating: 0, count: B * pattern.length * d), dk = dq, dv = dq
    withOptionalPointer(keep) { keep in
        MaskedAttention.backward(
            dOut: dy, q: xs[0], k: xs[1], v: xs[2], probabilities: probabilities, keep: keep, dropout: dropout,
            dq: &dq, dk: &dk, dv: &dv, pattern: pattern, batch: B, heads: H, width: d, kernels: kernels)
    }
    return [dq, dk, dv]
}

/// Dense twin of attention with a per-head mask: head h attends over its own allowed keys; no key, zero output.
func headMaskedAttentionReference(
    q: [Float], k: [Float], v: [Float], pattern: AttentionPattern, mask: [Float], B: Int, H: Int,
    d: Int, scale φ: [Float]? = nil
) -> [Float] {
    let L = pattern.length, dh = d / H
    var out = [Float](repeating: 0, count: B * L * d)
    for b in 0..<B {
        for h in 0..<H {
            for i in 0..<L {
                var scores: [(Int, Double)] = []
                for t in pattern.rowStart[i]..<pattern.rowStart[i + 1] where mask[t * H + h] != 0 {
                    let j = pattern.keys[t]
                    var dot = 0.0
                    for c in 0..<dh {
                        dot += Double(q[(b * L + i) * d + h * dh + c]) * Double(k[(b * L + j) * d + h * dh + c])
                    }
                    scores.append((j, dot / Double(dh).squareRoot() * Double(φ?[t] ?? 1)))
                }
                guard let mx = scores.map(\.1).max() else { continue }
                let sum = scores.reduce(0.0) { $0 + exp($1.1 - mx) }
                for (j, s) in scores {
                    for c in 0..<dh {
                        out[(b * L + i) * d + h * dh + c] +=
                            Float(exp(s - mx) / sum) * v[(b * L + j) * d + h * dh + c]
                    }
                }
            }
        }
    }
    return out
}
