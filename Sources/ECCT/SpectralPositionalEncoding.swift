import Codes
import Neural

/// The Laplacian spectrum behind the AECCT's spectral positional encoding (docs/DESIGN.md §6; Levy, Choukroun & Wolf,
/// arXiv 2410.05911): the Tanner graph on L = n + m nodes (bits, then checks) with A = I + the edges of H in both
/// directions, Laplacian L = D − A (the self-loops cancel: the ordinary graph Laplacian), and its full
/// eigendecomposition L u_j = λ_j u_j from LAPACK's `ssyevd`.
///
/// `table(code:)` is the reference's `lpe` buffer layout [L, L, 2]: entry (i, j) = (λ_j, u_j[i]), node i's L tokens.
/// Eigenvalues ascend; eigenvector signs and the order of equal eigenvalues are the solver's (the reference's differ),
/// so parity with a reference model uses its stored table. Throws when L exceeds `SymmetricEigen.maxOrder`.
public enum SpectralPositionalEncoding {
    /// The Laplacian [L, L] row-major of the code's Tanner graph.
    public static func laplacian(code: LinearCode) -> [Float] {
        let n = code.n, L = n + code.m, graph = code.tannerGraph
        var lap = [Float](repeating: 0, count: L * L)
        for c in 0..<code.m {
            for e in graph.checkEdgeStart[c]..<graph.checkEdgeStart[c + 1] {
                let v = graph.edgeVariable[e], check = n + c
                lap[v * L + check] = -1; lap[check * L + v] = -1
                lap[v * L + v] += 1; lap[check * L + check] += 1
            }
        }
        return lap
    }

    /// The (λ_j, u_j[i]) table [L, L, 2].
    public static func table(code: LinearCode) throws -> [Float] {
        let L = code.n + code.m
        let (values, vectors) = try SymmetricEigen.decompose(laplacian(code: code), order: L)
        var table = [Float](repeating: 0, count: L * L * 2)
        for i in 0..<L {
            for j in 0..<L {
                table[(i * L + j) * 2] = values[j]
                table[(i * L + j) * 2 + 1] = vectors[i * L + j]
            }
        }
        return table
    }
}
