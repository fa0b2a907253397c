import GF2

/// The ECCT self-attention mask of a parity-check matrix (Choukroun & Wolf 2022; DESIGN.md §3).
///
/// Tokens 0 ..< n are bits, n ..< n + m the checks. `allowed[i * (n+m) + j]` is true when token i may
/// attend to token j: the diagonal; bit j ↔ bit k for two distinct bits of one check; check n+i ↔ each
/// bit of row i. Checks never see other checks.
public struct AttentionMask: Sendable {
    public let size: Int
    public let allowed: [Bool]

    public init(parityCheck H: BitMatrix) {
        let n = H.columns, L = H.columns + H.rows
        var a = [Bool](repeating: false, count: L * L)
        for i in 0..<L { a[i * L + i] = true }
        for r in 0..<H.rows {
            let support = H.row(r).support
            for j in support {
                for k in support where k != j { a[j * L + k] = true }
                a[(n + r) * L + j] = true
                a[j * L + n + r] = true
            }
        }
        size = L
        allowed = a
    }

    /// Number of allowed (query, key) pairs, diagonal included.
    public var allowedCount: Int { allowed.reduce(0) { $0 + ($1 ? 1 : 0) } }
}
