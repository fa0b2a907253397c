import Base
import Foundation
import GF2

/// Fingerprints that tell which matrix, and which code, a file or model was made for; and H as text for metadata.
extension LinearCode {
    /// A fingerprint of H exactly as used (rows, columns and every entry; FNV-1a over the packed words), so a model
    /// trained on one H is found for a file holding the same matrix.
    public var parityCheckFingerprint: String { Self.fingerprint(of: H) }

    /// A fingerprint of the code itself — the row space of H, through its reduced row echelon form without zero rows —
    /// so every H of the same code (a catalog H, its standard form when no column moved, a file with its rows
    /// combined) has the same one; an equivalent code with another bit order does not.
    public var codeFingerprint: String {
        let (R, pivots) = H.rref()
        var basis = BitMatrix(rows: pivots.count, columns: n)
        for r in 0..<pivots.count { basis.setRow(r, R.row(r)) }
        return Self.fingerprint(of: basis)
    }

    static func fingerprint(of M: BitMatrix) -> String {
        var h = FNV1a()
        h.mix(UInt64(M.rows))
        h.mix(UInt64(M.columns))
        for r in 0..<M.rows { for w in M.row(r).words { h.mix(w) } }
        return h.hex
    }

    /// H as compact text for checkpoint metadata: `m×n:` then the rows, comma-separated, each as hexadecimal digits of
    /// 4 columns (column 0 is the high bit of the first digit).
    public var parityCheckText: String {
        let digits = (n + 3) / 4
        let rows = (0..<m).map { r -> String in
            var text = ""
            for d in 0..<digits {
                var v = 0
                for b in 0..<4 where 4 * d + b < n && H[r, 4 * d + b] { v |= 8 >> b }
                text.append(String(v, radix: 16))
            }
            return text
        }
        return "\(m)×\(n):" + rows.joined(separator: ",")
    }

    /// The code whose H `parityCheckText` wrote; throws a `CodeError` naming `source` when the text is malformed.
    public static func fromParityCheckText(_ text: String, name: String, source: String) throws -> LinearCode {
        func fail(_ why: String) -> CodeError { CodeError("\(source): parity-check text \(why)") }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw fail("has no 'm×n:' prefix") }
        let size = parts[0].split(separator: "×")
        guard size.count == 2, let m = Int(size[0]), let n = Int(size[1]) else {
            throw fail("size '\(parts[0])' is not m×n")
        }
        guard m >= 1, n >= 1, m <= CodeLimits.maxLength, n <= CodeLimits.maxLength, m * n <= CodeLimits.maxMatrixBits
        else {
            throw fail("size \(m)×\(n) is out of range")
        }
        let rows = parts[1].split(separator: ",", omittingEmptySubsequences: false)
        let digits = (n + 3) / 4
        guard rows.count == m else { throw fail("has \(rows.count) rows, the size says \(m)") }
        var H = BitMatrix(rows: m, columns: n)
        for (r, row) in rows.enumerated() {
            guard row.count == digits else { throw fail("row \(r) has \(row.count) digits, expected \(digits)") }
            for (d, ch) in row.enumerated() {
                guard let v = ch.hexDigitValue else { throw fail("row \(r) has '\(ch)', not a hexadecimal digit") }
                for b in 0..<4 where v & (8 >> b) != 0 {
                    guard 4 * d + b < n else { throw fail("row \(r) sets a column past n = \(n)") }
                    H[r, 4 * d + b] = true
                }
            }
        }
        return LinearCode(name: name, parityCheck: H)
    }
}
