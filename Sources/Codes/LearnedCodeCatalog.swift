/// Learned codes shipped by name (`eccbench learn-code`, Choukroun & Wolf, ICML 2024; docs/DESIGN.md §7): H = [I | P] with
/// P given row by row (check c covers bit c and the bits m + i where row c has a 1 at i). Their joint decoders ship
/// in the LearnedCodes module (`dc-ecct`); `Sources/LearnedCodes/Models/README.md` records how each was made.
public enum LearnedCodeCatalog {
    static let parity: [String: [String]] = [
        "LEARNED-31-16": [
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
        ]
    ]

    /// The code of a catalog name (upper case), or nil.
    public static func code(named name: String) -> LinearCode? {
        guard let entry = parity[name.uppercased()] else { return nil }
        return .systematic(name: name.uppercased(), parity: entry.map { row in row.map { $0 == "1" ? 1 : 0 } })
    }
}
