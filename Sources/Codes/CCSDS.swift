import GF2

/// The CCSDS (128, 64) short-block-length LDPC code (CCSDS 231.1-O-1, "Short block length LDPC codes for TC synchronization and channel coding").
///
/// H is a 4 × 8 array of 16 × 16 blocks: 0, I (identity), Φ^k (the identity with each row's one moved
/// k places right: entry (r, (r + k) mod 16)), or I ⊕ Φ^k. Column weights are 5 (first 64 bits) and 3.
public enum CCSDSConstruction {
    /// Block entries: nil = zero block, [a] = Φ^a, [0, a] = I ⊕ Φ^a (Φ^0 = I).
    static let blocks128: [[[Int]?]] = [
        [[0, 7], [2], [14], [6], nil, [0], [13], [0]],
        [[6], [0, 15], [0], [1], [0], nil, [0], [7]],
        [[4], [1], [0, 15], [14], [11], [0], nil, [3]],
        [[0], [1], [9], [0, 13], [14], [1], [0], nil],
    ]

    public static func code128() -> LinearCode {
        let M = 16
        var H = BitMatrix(rows: 4 * M, columns: 8 * M)
        for (br, row) in blocks128.enumerated() {
            for (bc, entry) in row.enumerated() {
                guard let shifts = entry else { continue }
                for s in shifts {
                    for r in 0..<M {
                        let c = (r + s) % M
                        H[br * M + r, bc * M + c].toggle()
                    }
                }
            }
        }
        return LinearCode(name: "CCSDS-128-64", parityCheck: H)
    }
}
