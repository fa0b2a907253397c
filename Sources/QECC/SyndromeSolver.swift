import GF2

/// A particular solution e₀ of H·e₀ = s for any syndrome s in the column space of H, from the reduced row echelon
/// form of [H | I]: with E·H = R (R reduced, rank r, pivot columns p₀…p_{r−1}), e₀[p_i] = (E·s)_i.
struct SyndromeSolver: Sendable {
    let n: Int
    let pivots: [Int]
    /// Row i of E (the syndrome combination giving e₀[p_i]), m bits each.
    let combinations: [BitVector]

    init(checks h: BitMatrix) {
        let m = h.rows, n = h.columns
        var augmented = BitMatrix(rows: m, columns: n + m)
        for r in 0..<m {
            for c in h.row(r).support { augmented[r, c] = true }
            augmented[r, n + r] = true
        }
        let (reduced, allPivots) = augmented.rref()
        let pivots = allPivots.filter { $0 < n }
        self.n = n
        self.pivots = pivots
        self.combinations = pivots.indices.map { i in
            var v = BitVector(count: m)
            for c in 0..<m where reduced[i, n + c] { v[c] = true }
            return v
        }
    }

    /// e₀ for the syndrome s (a valid syndrome: in the column space of H).
    func solve(_ s: BitVector) -> [UInt8] {
        var e = [UInt8](repeating: 0, count: n)
        for (i, p) in pivots.enumerated() { e[p] = combinations[i].dot(s) }
        return e
    }
}
