import Base
import CKernels

/// The AVX2 ternary product of `CKernels` (`nk_ternary_matmul`), with the contract of `multiplyPortable`; called only
/// when `KernelPath.avx2Available`.
extension TernaryMatrix {
    func multiplyAVX2(_ x: UnsafePointer<Int8>, batch B: Int, into acc: UnsafeMutablePointer<Int32>) {
        withAVX2Layout { nk_ternary_matmul(x, $0, $1, acc, B, columns, rows, paddedRows, nil) }
    }

    /// The AVX2 kernel's weight bytes (`pairs`) and `offsets` for the duration of `body`.
    func withAVX2Layout<Result>(_ body: (UnsafePointer<Int8>?, UnsafePointer<Int32>?) -> Result) -> Result {
        pairs.withUnsafeBufferPointer { w in offsets.withUnsafeBufferPointer { body(w.baseAddress, $0.baseAddress) } }
    }
}

/// The AVX-512 path's ternary product: `nk_ternary_matmul_vnni` where the CPU has AVX-512 VNNI, else the AVX2 kernel;
/// with the contract of `multiplyPortable`; called only when `KernelPath.avx512Available`.
extension TernaryMatrix {
    func multiplyAVX512(_ x: UnsafePointer<Int8>, batch B: Int, into acc: UnsafeMutablePointer<Int32>) {
        guard KernelPath.avx512VNNIAvailable else { return multiplyAVX2(x, batch: B, into: acc) }
        quads.withUnsafeBufferPointer {
            nk_ternary_matmul_vnni(x, $0.baseAddress, acc, B, columns, rows, paddedRows, nil)
        }
    }

    /// True when this path runs the VNNI kernel (AVX-512 with VNNI) and its AVX-512 quantiser.
    public static func usesVNNI(_ kernels: KernelPath) -> Bool {
        kernels.runnable == .avx512 && KernelPath.avx512VNNIAvailable
    }

    /// True when `multiplyRescaled` runs fused on this path (the AVX2 and VNNI kernels).
    public static func rescalesInKernel(_ kernels: KernelPath) -> Bool { kernels.runnable.usesAVX2 }

    /// The frozen linear layer in one pass: y[b, r] = (Σ_c W_t[r, c]·x[b, c]) / (scales[perRow ? b : 0]·s_w[r]) +
    /// bias[r] (s_w[r] = weightScales[r], or sw for every row when nil), the bits of the separate rescale. With `relu`,
    /// y = max(y, 0); with `quantized`, each row of y is also quantised to int8 with its own scale
    /// (`ActivationQuantizer.forwardInteger`, token scope: the same bytes and scales) while it is in cache. The VNNI
    /// kernel rescales from its registers (no int32 sums in memory); the AVX2 kernel rescales each finished tile of 4
    /// rows from L1, its sums in the first rows of `sums` (scratch of [B, rows]). Call only when `rescalesInKernel`.
    // x: [B, columns] Int8 → y: [B, rows] Float (and q: [B, rows] Int8, s: [B])
    public func multiplyRescaled(
        _ x: UnsafePointer<Int8>, batch B: Int, scales: UnsafePointer<Float>, perRow: Bool, weightScale sw: Float,
        weightScales: UnsafePointer<Float>? = nil, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
        sums: UnsafeMutablePointer<Int32>,
        relu: Bool = false, quantized: (q: UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>)? = nil,
        kernels: KernelPath = .best
    ) {
        precondition(Self.rescalesInKernel(kernels), "TernaryMatrix.multiplyRescaled needs the AVX2 or VNNI kernel")
        var rescale = nk_rescale(
            scales: scales, per_row: perRow ? 1 : 0, sw: sw, sw_rows: weightScales, bias: bias, y: y,
            relu: relu ? 1 : 0, q: quantized?.q,
            q_scales: quantized?.scales)
        if Self.usesVNNI(kernels) {
            quads.withUnsafeBufferPointer {
                nk_ternary_matmul_vnni(x, $0.baseAddress, nil, B, columns, rows, paddedRows, &rescale)
            }
        } else {
            withAVX2Layout { nk_ternary_matmul(x, $0, $1, sums, B, columns, rows, paddedRows, &rescale) }
        }
    }
}
