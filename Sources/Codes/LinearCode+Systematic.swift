import GF2

extension LinearCode {
    /// The code with H = [I_m | P] and G = [Pᵀ | I_k] from its parity part P [m, k] (rows of 0/1): the systematic form
    /// of the learned codes (docs/DESIGN.md §7). Throws nothing: every P gives a valid pair (G·Hᵀ = Pᵀ + Pᵀ = 0).
    public static func systematic(name: String, parity P: [[UInt8]]) -> LinearCode {
        let m = P.count, k = P.first?.count ?? 0, n = m + k
        precondition(
            m >= 1 && k >= 1 && P.allSatisfy { $0.count == k }, "LinearCode.systematic: P must be m × k with m, k ≥ 1")
        var H = BitMatrix(rows: m, columns: n), G = BitMatrix(rows: k, columns: n)
        for c in 0..<m {
            H[c, c] = true
            for i in 0..<k where P[c][i] != 0 { H[c, m + i] = true; G[i, c] = true }
        }
        for i in 0..<k { G[i, m + i] = true }
        return LinearCode(name: name, parityCheck: H, generator: G)
    }
}
