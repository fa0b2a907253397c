import Base
import CKernels

/// Head-partitioned attention as two sparse patterns (the AECCT's HPSA, Levy, Choukroun & Wolf, arXiv 2410.05911;
/// docs/DESIGN.md §6): eight heads whose flags split every pair of a pattern between heads 0–3 (the first ring) and
/// heads 4–7 (the second). Each ring keeps only its own pairs, so inference computes every pair in the four heads that
/// use it — half the work of the eight-head kernel under a head mask, which runs every pair in all eight lanes.
public struct AttentionRings: Sendable, Equatable {
    /// One ring's pairs by query, as `AttentionPattern` but a query may have none: keys[rowStart[i] ..< rowStart[i + 1]].
    public struct Ring: Sendable, Equatable {
        public var rowStart = [0]
        public var keys: [Int] = []
    }

    /// Heads 0–3 and heads 4–7.
    public let first: Ring
    public let second: Ring

    /// The rings of a head mask [pairs, 8] over `pattern`, or nil when the mask is not of that form (a pair used by
    /// heads of both rings, or by only some heads of one).
    public init?(pattern: AttentionPattern, headMask: [Float], heads: Int) {
        guard heads == 8, headMask.count == pattern.pairCount * 8 else { return nil }
        var a = Ring(), b = Ring()
        for i in 0..<pattern.length {
            for t in pattern.rowStart[i]..<pattern.rowStart[i + 1] {
                let flags = headMask[(t * 8)..<(t * 8 + 8)]
                if flags.elementsEqual([1, 1, 1, 1, 0, 0, 0, 0]) {
                    a.keys.append(pattern.keys[t])
                } else if flags.elementsEqual([0, 0, 0, 0, 1, 1, 1, 1]) {
                    b.keys.append(pattern.keys[t])
                } else if !flags.allSatisfy({ $0 == 0 }) {
                    return nil
                }
            }
            a.rowStart.append(a.keys.count)
            b.rowStart.append(b.keys.count)
        }
        first = a
        second = b
    }

    /// True when `forwardRings` runs for this width on this path (AVX2, head width d/8 ∈ {2, 4, 8, 16, 32}).
    public static func supports(width d: Int, kernels: KernelPath) -> Bool {
        kernels.runnable.usesAVX2 && d % 8 == 0 && [2, 4, 8, 16, 32].contains(d / 8)
    }

    /// Floats of scratch `forwardRings` needs.
    public static func scratchCount(batch B: Int, length L: Int, width d: Int) -> Int {
        3 * B * L * d + 4 * (L + 1) + d
    }
}

extension MaskedAttention {
    /// Inference with the rings (no dropout, no probabilities kept): the outputs of `forward` with the rings' head
    /// mask, to rounding. q, k, v, out: [B, L, d]; `scratch`: `AttentionRings.scratchCount` floats. Call only when
    /// `AttentionRings.supports(width:kernels:)`. With `quantized`, each output row is also quantised by `kernel` (a
    /// row quantiser, `ActivationQuantizer.rowKernel`) into q [B·L, d] and scales [B·L] as soon as it is written.
    public static func forwardRings(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, rings: AttentionRings, length L: Int, batch B: Int, width d: Int,
        scratch: UnsafeMutablePointer<Float>,
        quantized: (kernel: nk_row_quantizer, q: UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>)? = nil
    ) {
        rings.first.rowStart.withUnsafeBufferPointer { sa in
            rings.first.keys.withUnsafeBufferPointer { ka in
                rings.second.rowStart.withUnsafeBufferPointer { sb in
                    rings.second.keys.withUnsafeBufferPointer { kb in
                        // an empty ring reads no key: its start offsets stand in for the missing array
                        nk_attention_rings_forward(
                            q, k, v, out, sa.baseAddress, ka.baseAddress ?? sa.baseAddress, sb.baseAddress,
                            kb.baseAddress ?? sb.baseAddress, L, B, d, scratch, quantized?.kernel, quantized?.q,
                            quantized?.scales)
                    }
                }
            }
        }
    }
}
