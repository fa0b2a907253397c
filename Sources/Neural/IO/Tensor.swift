/// A contiguous row-major Float32 tensor with a shape.
public struct Tensor: Equatable, Sendable, CustomStringConvertible {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        precondition(
            shape.reduce(1, *) == values.count,
            "Tensor: shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        self.values = values
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public var count: Int { values.count }
    public var rank: Int { shape.count }

    /// The same values under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, values: values) }

    public var description: String { "Tensor\(shape)" }

    /// Batched matrix product on `cblas_sgemm`: a [..., m, k] · b [..., k, n] → [..., m, n], with optional transposes
    /// of the last two axes of each operand. Leading (batch) axes must match, or b may be a plain matrix shared by
    /// every batch.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul: operands need at least 2 axes, got \(a.shape) and \(b.shape)")
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1]), (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (ac, ar) : (ar, ac)
        let (k2, n) = transposeB ? (bc, br) : (br, bc)
        precondition(k == k2, "matmul: inner dimensions \(k) and \(k2) differ (\(a.shape) · \(b.shape))")
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        precondition(batchB.isEmpty || batchB == batchA, "matmul: batch axes \(batchA) and \(batchB) differ")
        let batches = batchA.reduce(1, *)
        var out = Tensor(zeros: batchA + [m, n])
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                out.values.withUnsafeMutableBufferPointer { pc in
                    for i in 0..<batches {
                        GEMM.multiply(
                            transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                            a: pa.baseAddress! + i * ar * ac, lda: ac,
                            b: pb.baseAddress! + (batchB.isEmpty ? 0 : i * br * bc), ldb: bc,
                            c: pc.baseAddress! + i * m * n, ldc: n)
                    }
                }
            }
        }
        return out
    }
}
