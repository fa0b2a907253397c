/// The largest codes the toolkit builds, checked before anything is allocated from a code's size.
///
/// - n ≤ 65,536 bits.
/// - H (m × n) and G (k × n) at most 2^28 bits (32 MiB) each: every length up to 16,384 at any rate, longer codes
///   when k or m is small.
///
/// Decoders and models with tables of their own (OSD, SC/SCL, the ECCT) check their own sizes on top of these.
public enum CodeLimits {
    public static let maxLength = 1 << 16
    public static let maxMatrixBits = 1 << 28

    /// Throws unless a code of length n with `rows` parity checks and dimension k fits the limits.
    public static func check(n: Int, rows m: Int? = nil, k: Int? = nil, source: String) throws {
        guard n >= 1 else { throw CodeError("\(source): length n = \(n) must be positive") }
        guard n <= maxLength else {
            throw CodeError("\(source): length n = \(n) exceeds the limit of \(maxLength) bits")
        }
        if let m { try checkMatrix("H", rows: m, columns: n, source: source) }
        if let k { try checkMatrix("G", rows: k, columns: n, source: source) }
    }

    static func checkMatrix(_ name: String, rows: Int, columns: Int, source: String) throws {
        guard rows >= 0 else { throw CodeError("\(source): \(name) cannot have \(rows) rows") }
        let (bits, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, bits <= maxMatrixBits else {
            let mib = Double(rows) * Double(columns) / 8 / 1_048_576
            throw CodeError(
                "\(source): \(name) would be \(rows) × \(columns) bits (\(String(format: "%.0f", mib)) MiB); "
                    + "the limit is 2^28 bits (32 MiB)")
        }
    }
}
