import GF2

/// Learned codes shipped by name (`eccbench learn-code`, Choukroun & Wolf, ICML 2024; DESIGN.md §7): H = [I | P] with
/// P given row by row (check c covers bit c and the bits m + i where row c has a 1 at i). Their joint decoders ship
/// in the LearnedCodes module (`dc-ecct`); `Sources/LearnedCodes/Models/README.md` records how each was made.
public enum LearnedCodeCatalog {
    static let parity: [String: (n: Int, k: Int, parity: [String])] = [
        "LEARNED-31-16": (n: 31, k: 16, parity: [
            "0001000100100000",
            "0100000000000111",
            "0011000000000100",
            "1000000000110010",
            "0010000001010000",
            "0000100100001100",
            "0001011000000000",
            "0100010010000000",
            "1000000001000100",
            "1000001000001001",
            "0010010100000000",
            "0000100001000001",
            "0100000000011000",
            "0000100010100000",
            "0001000000000010",
        ]),
    ]

    public static var names: [String] { parity.keys.sorted() }

    /// The code of a catalog name (upper case), or nil.
    public static func code(named name: String) -> LinearCode? {
        guard let entry = parity[name.uppercased()] else { return nil }
        let m = entry.n - entry.k
        let rows: [[UInt8]] = entry.parity.enumerated().map { c, text in
            (0..<m).map { $0 == c ? 1 : 0 } + text.map { $0 == "1" ? 1 : 0 }
        }
        return LinearCode(name: name.uppercased(), parityCheck: BitMatrix(rows: rows, columns: entry.n))
    }
}
