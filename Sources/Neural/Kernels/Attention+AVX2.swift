import Base
import CKernels

/// The eight-head attention kernels of `CKernels` (AVX2 + FMA), with the contract of
/// `forwardEightHeads` / `backwardEightHeads`; called only when `KernelPath.avx2Available`.
extension MaskedAttention {
    static func forwardEightHeadsAVX2(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, probabilities: UnsafeMutablePointer<Float>,
        keep: UnsafeMutablePointer<Float>?, dropout: Dropout?, stream: UInt64,
        pattern: AttentionPattern, batch B: Int, width d: Int, batchOffset: Int,
        storeProbabilities: Bool, headMask: UnsafePointer<Float>? = nil,
        scratch: UnsafeMutablePointer<Float>
    ) {
        let drop = nk_dropout(
            seed: dropout?.seed ?? 0, stream: stream, threshold: UInt32(dropout?.threshold ?? 0),
            scale: dropout?.scale ?? 1, enabled: dropout != nil && keep != nil ? 1 : 0)
        pattern.rowStart.withUnsafeBufferPointer { start in
            pattern.keys.withUnsafeBufferPointer { keys in
                nk_attention8_forward(
                    q, k, v, out, probabilities, keep, drop, start.baseAddress, keys.baseAddress,
                    pattern.length, pattern.pairCount, B, d, batchOffset, scratch, storeProbabilities ? 1 : 0,
                    headMask)
            }
        }
    }

    static func backwardEightHeadsAVX2(
        dOut: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
        v: UnsafePointer<Float>, probabilities: UnsafePointer<Float>,
        keep: UnsafePointer<Float>?, dropout: Dropout?,
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
        pattern: AttentionPattern, batch B: Int, width d: Int, accumulate: Bool,
        scratch: UnsafeMutablePointer<Float>
    ) {
        pattern.rowStart.withUnsafeBufferPointer { start in
            pattern.keys.withUnsafeBufferPointer { keys in
                nk_attention8_backward(
                    dOut, q, k, v, probabilities, keep, dropout?.scale ?? 1, dq, dk, dv,
                    start.baseAddress, keys.baseAddress, pattern.length, pattern.pairCount, B, d, scratch,
                    accumulate ? 1 : 0)
            }
        }
    }
}
