import Codes

/// The named quantum codes: `toric-L`, `surface-d` (rotated), `planar-d` (unrotated), case-insensitive.
public enum QuantumCatalog {
    public static let families: [(name: String, note: String)] = [
        ("toric-L", "toric code of the neural papers (yoniLc/DQEC), 2L² qubits, k = 2, distance L (L ≥ 2)"),
        ("surface-d", "rotated surface code, d² qubits, k = 1, distance d (odd d ≥ 3)"),
        ("planar-d", "unrotated planar code, 2d² − 2d + 1 qubits, k = 1, distance d (d ≥ 2)"),
    ]
    public static let examples = [
        "toric-4", "toric-6", "toric-8", "toric-10", "surface-3", "surface-5", "surface-7",
        "planar-3", "planar-5",
    ]

    /// The code of a name; unknown names get the closest examples.
    public static func code(named raw: String) throws -> CSSCode {
        let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let size = Int(parts[1]) else { throw unknown(raw) }
        switch parts[0] {
        case "toric": return try CSSCode.toric(size)
        case "surface", "rotated": return try CSSCode.rotatedSurface(size)
        case "planar": return try CSSCode.planar(size)
        default: throw unknown(raw)
        }
    }

    /// Size parameter and family of a name, for the threshold command: ("toric", 6).
    public static func family(of name: String) -> (family: String, size: Int)? {
        let parts = name.lowercased().split(separator: "-")
        guard parts.count == 2, let size = Int(parts[1]) else { return nil }
        return (String(parts[0]), size)
    }

    static func unknown(_ name: String) -> QECCError {
        let ranked = examples.sorted {
            Catalog.editDistance(name.lowercased(), $0) < Catalog.editDistance(name.lowercased(), $1)
        }
        return QECCError(
            "unknown quantum code '\(name)'; closest names: \(ranked.prefix(3).joined(separator: ", ")). "
                + "Families: toric-L, surface-d, planar-d ('eccbench qec codes' lists them)")
    }
}
