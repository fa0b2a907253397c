import CBLAS

/// Matrix products on OpenBLAS (`cblas_sgemm`, row-major), with a naive reference twin.
///
/// C[M, N] = α · op(A)[M, K] · op(B)[K, N] + β · C, op = identity or transpose. Leading dimensions are the
/// row lengths of A, B, C as stored. Debian's OpenBLAS takes Int32 dimensions.
public enum GEMM {
    /// Sets OpenBLAS to one thread: the engine parallelises over the batch itself (docs/DESIGN.md §1).
    public static func useSingleThreadedBLAS() { openblas_set_num_threads(1) }

    @inlinable
    public static func multiply(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // op(A)·op(B) is empty: C = β·C
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The plain triple loop, in Double accumulation: the reference twin of `multiply`.
    public static func reference(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: [Float], lda: Int, b: [Float], ldb: Int,
        beta: Float = 0, c: inout [Float], ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let x = transA ? a[p * lda + i] : a[i * lda + p]
                    let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                    s += Double(x) * Double(y)
                }
                c[i * ldc + j] = Float(Double(alpha) * s + (beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])))
            }
        }
    }
}

/// Sets OpenBLAS's thread count (benchmarks measure the machine's GEMM rate with all cores).
public func openBLASThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
