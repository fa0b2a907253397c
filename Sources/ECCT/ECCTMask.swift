import Codes
import GF2
import Neural

/// The ECCT self-attention mask of a parity-check matrix (Choukroun & Wolf 2022; docs/DESIGN.md §3), built directly as
/// the sparse attention pattern (no (n+m)² table).
///
/// Tokens 0 ..< n are bits, n ..< n + m the checks. Token i may attend to token j: on the diagonal; bit j ↔ bit k
/// for two distinct bits of one check; check n+r ↔ each bit of row r. Checks never see other checks. All m rows
/// of H are used as given (redundant rows included).
public enum ECCTMask {
    /// An upper bound on the mask's pairs without building it: the diagonal, and per check of weight w its w(w − 1)
    /// bit pairs and 2w bit–check pairs (capped at L²).
    public static func pairBound(parityCheck H: BitMatrix) -> Double {
        let L = Double(H.columns + H.rows)
        var pairs = L
        for r in 0..<H.rows { let w = Double(H.rowWeight(r)); pairs += w * (w - 1) + 2 * w }
        return min(pairs, L * L)
    }

    /// The keys of every token, ascending.
    public static func rows(parityCheck H: BitMatrix) -> [[Int]] {
        let n = H.columns, m = H.rows
        var rows = (0..<(n + m)).map { Set([$0]) }
        for r in 0..<m {
            let support = H.row(r).support
            for j in support {
                for k in support where k != j { rows[j].insert(k) }
                rows[n + r].insert(j)
                rows[j].insert(n + r)
            }
        }
        return rows.map { $0.sorted() }
    }

    public static func pattern(parityCheck H: BitMatrix) -> AttentionPattern {
        AttentionPattern(rows: rows(parityCheck: H))
    }
}
