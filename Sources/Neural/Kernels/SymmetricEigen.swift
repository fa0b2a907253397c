import CBLAS

/// Eigendecomposition of a real symmetric matrix with LAPACK's `ssyevd` (divide and conquer, Debian's OpenBLAS):
/// A = U·diag(λ)·Uᵀ, eigenvalues ascending, U orthonormal.
///
/// a: [n, n] row-major (symmetric, so row- and column-major agree). Returns λ [n] and U [n, n] with column j (entries
/// `vectors[i * n + j]`, i = 0..<n) the eigenvector of λ_j. Signs of eigenvectors and the order within repeated
/// eigenvalues are the solver's. Throws for n < 1, n > `maxOrder`, a non-square or non-finite input, or when LAPACK
/// fails to converge.
public enum SymmetricEigen {
    /// Largest order accepted: the workspace of ssyevd is 1 + 6n + 2n² floats (n = 8192: ~0.5 GB).
    public static let maxOrder = 8192

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let message: String
        public var description: String { message }
    }

    public static func decompose(_ a: [Float], order n: Int) throws -> (values: [Float], vectors: [Float]) {
        guard n >= 1, n <= maxOrder else {
            throw Failure(message: "eigendecomposition: order \(n) must be in 1…\(maxOrder)")
        }
        guard a.count == n * n else {
            throw Failure(message: "eigendecomposition: \(a.count) entries for an order-\(n) matrix")
        }
        guard a.allSatisfy({ $0.isFinite }) else {
            throw Failure(message: "eigendecomposition: the matrix has a non-finite entry")
        }
        var matrix = a, values = [Float](repeating: 0, count: n)
        var jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "U"))
        var order = Int32(n), lda = Int32(n), info: Int32 = 0
        var lwork = Int32(1 + 6 * n + 2 * n * n), liwork = Int32(3 + 5 * n)
        var work = [Float](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        ssyevd_(&jobz, &uplo, &order, &matrix, &lda, &values, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { throw Failure(message: "eigendecomposition: LAPACK ssyevd failed (info \(info))") }
        // LAPACK returns column-major eigenvectors: column j at matrix[j * n ..< (j + 1) * n]; transpose to row-major
        var vectors = [Float](repeating: 0, count: n * n)
        for j in 0..<n { for i in 0..<n { vectors[i * n + j] = matrix[j * n + i] } }
        return (values, vectors)
    }
}
