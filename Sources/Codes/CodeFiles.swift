import Base
import Foundation
import GF2

/// Reading and writing parity-check matrices: MacKay's alist format and dense 0/1 text.
public enum CodeFiles {
    /// Read H from a file; `.alist` files are alist, anything else dense text.
    public static func readParityCheck(path: String) throws -> BitMatrix {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CodeError.file(path, line: nil, "cannot read the file (missing or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CodeError.file(path, line: nil, "not UTF-8 text")
        }
        guard data.count <= maxFileBytes else {
            throw CodeError.file(
                path, line: nil, "\(data.count) bytes is more than the \(maxFileBytes)-byte limit for a code file")
        }
        return path.lowercased().hasSuffix(".alist")
            ? try parseAlist(text, source: path) : try parseDense(text, source: path)
    }

    /// Largest code file read (a dense H of 16,384 × 16,384 entries is 512 MiB of text; files that large are alists).
    public static let maxFileBytes = 256 << 20

    /// Lines of a text file: "\n" and "\r\n" line ends (a Swift `Character` joins "\r\n", so splitting on "\n"
    /// alone never splits it) and a leading UTF-8 byte-order mark dropped.
    static func lines(_ text: String) -> [Substring] {
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = Substring(body.unicodeScalars.dropFirst()) }
        return body.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    }

    /// Load a code from a file; the name is the file's base name. The code's generator must fit `CodeLimits`.
    public static func readCode(path: String) throws -> LinearCode {
        let H = try readParityCheck(path: path)
        try CodeLimits.check(n: H.columns, k: H.columns - H.rank, source: path)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return LinearCode(name: name, parityCheck: H, structure: PolarConstruction.detect(H))
    }

    /// Dense text: one row per line, entries 0/1 separated by spaces or tabs (or written together);
    /// blank lines are skipped; trailing spaces and a missing final newline are fine.
    public static func parseDense(_ text: String, source: String = "<text>") throws -> BitMatrix {
        var rows: [[UInt8]] = []
        var firstLine = 0
        for (i, raw) in lines(text).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            if rows.isEmpty {
                // the first row sets n: check it before the matrix grows
                let width = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).count
                let n = width == 1 ? line.count : width
                try CodeLimits.check(n: n, source: "\(source):\(i + 1)")
            } else {
                try CodeLimits.checkMatrix(
                    "H", rows: rows.count + 1, columns: rows[0].count, source: "\(source):\(i + 1)")
            }
            let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            let cells: [Substring] =
                tokens.count == 1 && tokens[0].count > 1
                ? tokens[0].map { Substring(String($0)) } : tokens
            var row: [UInt8] = []
            for t in cells {
                switch t {
                case "0": row.append(0)
                case "1": row.append(1)
                default: throw CodeError.file(source, line: i + 1, "entry '\(t)' is not 0 or 1")
                }
            }
            if let first = rows.first, first.count != row.count {
                throw CodeError.file(
                    source, line: i + 1,
                    "row has \(row.count) entries but line \(firstLine) has \(first.count)")
            }
            if rows.isEmpty { firstLine = i + 1 }
            rows.append(row)
        }
        guard !rows.isEmpty else { throw CodeError.file(source, line: nil, "empty file: no matrix rows") }
        return BitMatrix(rows: rows)
    }

    /// MacKay alist: `n m`, `max column weight, max row weight`, n column weights, m row weights,
    /// n lines of 1-based row indices (0 = padding), m lines of 1-based column indices (0 = padding).
    /// Both halves must describe the same matrix.
    public static func parseAlist(_ text: String, source: String = "<alist>") throws -> BitMatrix {
        let lines = lines(text).enumerated()
            .map {
                (
                    number: $0.offset + 1,
                    tokens: $0.element.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
                )
            }
            .filter { !$0.tokens.isEmpty }
        var cursor = 0
        func nextInts(_ what: String, count: Int? = nil) throws -> (Int, [Int]) {
            guard cursor < lines.count else {
                throw CodeError.file(source, line: nil, "file ends before \(what)")
            }
            let line = lines[cursor]; cursor += 1
            var values: [Int] = []
            for t in line.tokens {
                guard let v = Int(t), v >= 0 else {
                    throw CodeError.file(source, line: line.number, "\(what): '\(t)' is not a non-negative integer")
                }
                values.append(v)
            }
            if let count, values.count != count {
                throw CodeError.file(
                    source, line: line.number, "\(what): expected \(count) numbers, found \(values.count)")
            }
            return (line.number, values)
        }
        guard !lines.isEmpty else { throw CodeError.file(source, line: nil, "empty file") }
        let (l1, dims) = try nextInts("the header 'n m'", count: 2)
        let n = dims[0], m = dims[1]
        guard n > 0, m > 0 else { throw CodeError.file(source, line: l1, "n and m must be positive, got \(n) \(m)") }
        try CodeLimits.check(n: n, rows: m, source: "\(source):\(l1)")
        let (l2, maxWeights) = try nextInts("the maximum column and row weights", count: 2)
        let (l3, colWeights) = try nextInts("the \(n) column weights", count: n)
        let (l4, rowWeights) = try nextInts("the \(m) row weights", count: m)
        if let bad = colWeights.firstIndex(where: { $0 > maxWeights[0] }) {
            throw CodeError.file(
                source, line: l3,
                "column \(bad + 1) weight \(colWeights[bad]) exceeds the maximum \(maxWeights[0]) of line \(l2)")
        }
        if let bad = rowWeights.firstIndex(where: { $0 > maxWeights[1] }) {
            throw CodeError.file(
                source, line: l4,
                "row \(bad + 1) weight \(rowWeights[bad]) exceeds the maximum \(maxWeights[1]) of line \(l2)")
        }
        /// One line of 1-based indices (zeros are padding): `weight` of them, each in 1...bound.
        func nextEntries(of owner: String, listing item: String, weight: Int, bound: Int) throws -> (Int, [Int]) {
            let (ln, idx) = try nextInts("the \(item) indices of \(owner)")
            let entries = idx.filter { $0 != 0 }
            guard entries.count == weight else {
                throw CodeError.file(
                    source, line: ln, "\(owner) lists \(entries.count) \(item)s but its weight is \(weight)")
            }
            if let bad = entries.first(where: { $0 > bound }) {
                throw CodeError.file(source, line: ln, "\(item) index \(bad) out of range 1...\(bound)")
            }
            return (ln, entries)
        }
        var H = BitMatrix(rows: m, columns: n)
        for j in 0..<n {
            let (ln, entries) = try nextEntries(of: "column \(j + 1)", listing: "row", weight: colWeights[j], bound: m)
            for r in entries {
                guard !H[r - 1, j] else {
                    throw CodeError.file(source, line: ln, "row index \(r) repeated in column \(j + 1)")
                }
                H[r - 1, j] = true
            }
        }
        var fromRows = BitMatrix(rows: m, columns: n)
        for i in 0..<m {
            guard cursor < lines.count else {
                // Some alist writers omit the row lists; the column lists define H fully.
                if i == 0 { break }
                throw CodeError.file(source, line: nil, "file ends before the column indices of row \(i + 1)")
            }
            let (ln, entries) = try nextEntries(of: "row \(i + 1)", listing: "column", weight: rowWeights[i], bound: n)
            for c in entries { fromRows[i, c - 1] = true }
            guard fromRows.row(i) == H.row(i) else {
                throw CodeError.file(source, line: ln, "row \(i + 1) disagrees with the column lists")
            }
        }
        for i in 0..<m where H.rowWeight(i) != rowWeights[i] {
            throw CodeError.file(
                source, line: l4,
                "row \(i + 1) has weight \(H.rowWeight(i)) in the column lists but \(rowWeights[i]) in the header")
        }
        if cursor < lines.count {
            throw CodeError.file(source, line: lines[cursor].number, "unexpected content after the \(m) row lists")
        }
        return H
    }

    /// Dense text of H: one row per line, entries separated by single spaces.
    public static func denseText(_ H: BitMatrix) -> String {
        (0..<H.rows).map { r in (0..<H.columns).map { H[r, $0] ? "1" : "0" }.joined(separator: " ") }
            .joined(separator: "\n") + "\n"
    }

    /// alist text of H (with zero padding to the maximum weights, as MacKay's files do).
    public static func alistText(_ H: BitMatrix) -> String {
        let cols = (0..<H.columns).map { H.column($0).support }
        let rows = (0..<H.rows).map { H.row($0).support }
        let maxC = cols.map(\.count).max() ?? 0, maxR = rows.map(\.count).max() ?? 0
        func pad(_ list: [Int], _ width: Int) -> String {
            (list.map { String($0 + 1) } + Array(repeating: "0", count: width - list.count)).joined(separator: " ")
        }
        var out = "\(H.columns) \(H.rows)\n\(maxC) \(maxR)\n"
        out += cols.map { String($0.count) }.joined(separator: " ") + "\n"
        out += rows.map { String($0.count) }.joined(separator: " ") + "\n"
        for c in cols { out += pad(c, maxC) + "\n" }
        for r in rows { out += pad(r, maxR) + "\n" }
        return out
    }

    /// Write text atomically (temporary file in the same folder, then rename).
    public static func writeAtomically(_ text: String, to path: String) throws {
        do { try AtomicFile.write(text, to: path) } catch let e as AtomicFile.WriteError {
            throw CodeError.file(path, line: nil, "cannot write: \(e.reason)")
        }
    }
}
