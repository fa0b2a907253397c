/// Fully connected layer kernels, PyTorch layout: y = x·Wᵀ + b.
///
/// x: [N, in], W: [out, in], b: [out], y: [N, out]. Backward accumulates: dx += dy·W, dW += dyᵀ·x, db += Σ_rows dy
/// (with `accumulateDx: false`, dx = dy·W: no zeroing pass needed before).
public enum LinearKernel {
    public static func forward(
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        y: UnsafeMutablePointer<Float>, rows: Int, inFeatures: Int, outFeatures: Int
    ) {
        GEMM.multiply(
            transB: true, m: rows, n: outFeatures, k: inFeatures,
            a: x, lda: inFeatures, b: weight, ldb: inFeatures, c: y, ldc: outFeatures)
        if let bias {
            for r in 0..<rows {
                let row = y + r * outFeatures
                for o in 0..<outFeatures { row[o] += bias[o] }
            }
        }
    }

    /// dx may be nil (input needs no gradient); dBias may be nil (no bias).
    public static func backward(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
        dBias: UnsafeMutablePointer<Float>?, rows: Int, inFeatures: Int, outFeatures: Int,
        accumulateDx: Bool = true
    ) {
        if let dx {
            GEMM.multiply(
                m: rows, n: inFeatures, k: outFeatures, a: dy, lda: outFeatures, b: weight, ldb: inFeatures,
                beta: accumulateDx ? 1 : 0, c: dx, ldc: inFeatures)
        }
        GEMM.multiply(
            transA: true, m: outFeatures, n: inFeatures, k: rows, a: dy, lda: outFeatures, b: x, ldb: inFeatures,
            beta: 1, c: dWeight, ldc: inFeatures)
        if let dBias {
            for r in 0..<rows {
                let row = dy + r * outFeatures
                for o in 0..<outFeatures { dBias[o] += row[o] }
            }
        }
    }
}
