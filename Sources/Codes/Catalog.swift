import Foundation

/// The named codes: `FAMILY-n-k` (case-insensitive), or a path to an alist / dense-text file.
///
/// Families: BCH-n-k, POLAR-n-k, HAMMING-n-k, GOLAY-23-12, GOLAY-24-12, RM-r-m (or RM-n-k),
/// REP-n, SPC-n, CCSDS-128-64, and the shipped learned codes (LEARNED-31-16). Unknown names get an error that lists
/// the closest catalog names.
public enum Catalog {
    /// Names listed by `eccbench codes` (every family also accepts other valid parameters).
    public static let examples: [String] = [
        "BCH-31-16", "BCH-31-21", "BCH-63-36", "BCH-63-45", "BCH-63-51", "BCH-127-64", "BCH-255-239",
        "POLAR-64-32", "POLAR-64-48", "POLAR-128-64", "POLAR-128-86", "POLAR-128-96", "POLAR-256-128",
        "POLARSC-64-32", "POLARSC-128-64",
        "HAMMING-7-4", "HAMMING-15-11", "HAMMING-31-26", "GOLAY-23-12", "GOLAY-24-12",
        "RM-1-5", "RM-2-5", "RM-3-7", "REP-5", "SPC-8", "CCSDS-128-64", "LEARNED-31-16",
    ]

    public static let families = ["BCH", "POLAR", "POLARSC", "HAMMING", "GOLAY", "RM", "REP", "SPC", "CCSDS"]

    /// One line describing each family, for `eccbench codes`.
    public static let familyNotes: [(String, String)] = [
        ("BCH-n-k", "primitive narrow-sense binary BCH, n = 2^m − 1 (m = 3…10), cyclic H of n − k rows"),
        (
            "POLAR-n-k",
            "Arıkan kernel, natural order; Bhattacharyya frozen set at design Es/N0 4 dB (reproduces the benchmark files)"
        ),
        (
            "POLARSC-n-k",
            "polar code constructed for natural-order SC (Bhattacharyya, Es/N0 4 dB): far better under SC/SCL"
        ),
        ("HAMMING-n-k", "n = 2^r − 1, k = n − r"),
        ("GOLAY-23-12, GOLAY-24-12", "binary Golay and extended Golay"),
        ("RM-r-m", "Reed–Muller of order r, length 2^m (RM-n-k also accepted)"),
        ("REP-n, SPC-n", "repetition and single parity-check"),
        ("CCSDS-128-64", "CCSDS 231.1-O-1 short-block LDPC (circulant construction)"),
        (
            "LEARNED-31-16",
            "a (31, 16) code learned with its DC-ECCT decoder (eccbench learn-code); the decoder ships as dc-ecct"
        ),
        ("path/to/H.alist | H.txt", "any parity-check matrix file (alist or dense 0/1 text)"),
    ]

    /// Resolve a name or a file path to a code.
    public static func code(named raw: String) throws -> LinearCode {
        let name = raw.trimmingCharacters(in: .whitespaces)
        if let learned = LearnedCodeCatalog.code(named: name) { return learned }
        if name.contains("/") || name.lowercased().hasSuffix(".alist") || name.lowercased().hasSuffix(".txt") {
            return try CodeFiles.readCode(path: name)
        }
        let parts = name.uppercased().split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let numbers = parts.dropFirst().map { Int($0) }
        guard let family = parts.first, families.contains(family),
            !numbers.contains(where: { $0 == nil })
        else {
            throw unknown(name)
        }
        let a = numbers.compactMap { $0 }
        func need(_ count: Int, _ form: String) throws {
            guard a.count == count else { throw CodeError("'\(name)': \(family) codes are named \(form)") }
            // sizes first: nothing is built for a name the limits refuse
            let n = a[0],
                k: Int? = family == "REP" ? 1 : family == "SPC" ? n - 1 : (family == "RM" && a[0] < a[1] ? nil : a[1])
            if family == "RM" && a[0] < a[1] {
                guard a[1] <= 16 else {
                    throw CodeError("'\(name)': RM-r-m needs m ≤ 16 (length 2^m ≤ \(CodeLimits.maxLength))")
                }
                return
            }
            try CodeLimits.check(n: n, rows: k.map { max(0, n - $0) }, k: k, source: "'\(name)'")
        }
        switch family {
        case "BCH":
            try need(2, "BCH-n-k, e.g. BCH-63-45")
            return try BCHConstruction.code(n: a[0], k: a[1])
        case "POLAR":
            try need(2, "POLAR-n-k, e.g. POLAR-64-32")
            return try PolarConstruction.code(n: a[0], k: a[1])
        case "POLARSC":
            try need(2, "POLARSC-n-k, e.g. POLARSC-64-32")
            return try PolarConstruction.code(n: a[0], k: a[1], order: .natural)
        case "HAMMING":
            try need(2, "HAMMING-n-k, e.g. HAMMING-7-4")
            guard let r = (2...16).first(where: { (1 << $0) - 1 == a[0] }), a[1] == a[0] - r else {
                throw CodeError("'\(name)': Hamming codes are HAMMING-(2^r−1)-(2^r−1−r): 7-4, 15-11, 31-26, 63-57, …")
            }
            return try SmallCodes.hamming(r: r)
        case "GOLAY":
            try need(2, "GOLAY-23-12 or GOLAY-24-12")
            if a == [23, 12] { return SmallCodes.golay23() }
            if a == [24, 12] { return SmallCodes.golay24() }
            throw CodeError("'\(name)': the Golay codes are GOLAY-23-12 and GOLAY-24-12")
        case "RM":
            try need(2, "RM-r-m (order r < m) or RM-n-k, e.g. RM-1-5 or RM-32-6")
            if a[0] < a[1] { return try SmallCodes.reedMuller(r: a[0], m: a[1]) }
            guard let m = (1...16).first(where: { 1 << $0 == a[0] }),
                let r = (0..<m).first(where: { SmallCodes.reedMullerDimension(r: $0, m: m) == a[1] })
            else {
                throw CodeError("'\(name)': no Reed–Muller code has length \(a[0]) and dimension \(a[1])")
            }
            return try SmallCodes.reedMuller(r: r, m: m)
        case "REP":
            try need(1, "REP-n, e.g. REP-5")
            return try SmallCodes.repetition(n: a[0])
        case "SPC":
            try need(1, "SPC-n, e.g. SPC-8")
            return try SmallCodes.singleParityCheck(n: a[0])
        default:  // CCSDS
            guard a == [128, 64] else { throw CodeError("'\(name)': the CCSDS code built here is CCSDS-128-64") }
            return CCSDSConstruction.code128()
        }
    }

    static func unknown(_ name: String) -> CodeError {
        let upper = name.uppercased()
        let ranked = examples.sorted { editDistance(upper, $0) < editDistance(upper, $1) }.prefix(3)
        return CodeError(
            "unknown code '\(name)'; closest catalog names: \(ranked.joined(separator: ", ")). "
                + "Run 'eccbench codes' for the list; codes without a construction (LDPC-49-24, LDPC-121-*, "
                + "MACKAY-96-48) are read from a file: --code path/to/H.alist")
    }

    /// Levenshtein distance.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        var prev = Array(0...y.count)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            var cur = [i] + Array(repeating: 0, count: y.count)
            for j in 1...max(y.count, 1) where !y.isEmpty {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return x.isEmpty ? y.count : prev[y.count]
    }
}
