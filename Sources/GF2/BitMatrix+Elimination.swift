/// Errors of the GF(2) algebra.
public enum GF2Error: Error, Equatable, CustomStringConvertible {
    case singular(size: Int, rank: Int)
    case notSquare(rows: Int, columns: Int)
    case rankDeficient(rows: Int, rank: Int)

    public var description: String {
        switch self {
        case .singular(let size, let rank): "matrix of size \(size) is singular (rank \(rank))"
        case .notSquare(let rows, let columns): "matrix is \(rows)×\(columns), not square"
        case .rankDeficient(let rows, let rank): "\(rows) rows have rank \(rank) only"
        }
    }
}

extension BitMatrix {
    /// Reduced row echelon form by Gauss–Jordan elimination over GF(2).
    ///
    /// Returns the reduced matrix (same shape; rows past the rank are zero) and the pivot column
    /// of each of its first `rank` rows, ascending.
    public func rref() -> (matrix: BitMatrix, pivots: [ColumnIndex]) {
        var m = self
        var pivots: [ColumnIndex] = []
        var r = 0
        for c in 0..<columns where r < rows {
            guard let p = (r..<rows).first(where: { m[$0, c] }) else { continue }
            m.swapRows(p, r)
            for i in 0..<rows where i != r && m[i, c] { m.xorRow(r, into: i) }
            pivots.append(c)
            r += 1
        }
        return (m, pivots)
    }

    /// Rank over GF(2), by forward elimination on packed words.
    public var rank: Int {
        var m = self
        var r = 0
        let w = wordsPerRow
        m.words.withUnsafeMutableBufferPointer { p in
            for c in 0..<columns where r < rows {
                let word = c >> 6, bit: UInt64 = 1 << UInt64(c & 63)
                var pivot = -1
                for i in r..<rows where p[i * w + word] & bit != 0 { pivot = i; break }
                guard pivot >= 0 else { continue }
                if pivot != r { for k in 0..<w { p.swapAt(pivot * w + k, r * w + k) } }
                for i in (r + 1)..<rows where p[i * w + word] & bit != 0 {
                    for k in word..<w { p[i * w + k] ^= p[r * w + k] }
                }
                r += 1
            }
        }
        return r
    }

    /// A basis of the (right) null space {x : A·x = 0}, as the rows of a (columns − rank) × columns matrix.
    public var nullSpace: BitMatrix {
        let (m, pivots) = rref()
        let pivotSet = Set(pivots)
        let free = (0..<columns).filter { !pivotSet.contains($0) }
        var basis = BitMatrix(rows: free.count, columns: columns)
        for (b, f) in free.enumerated() {
            basis[b, f] = true
            for (i, p) in pivots.enumerated() where m[i, f] { basis[b, p] = true }
        }
        return basis
    }

    /// Inverse of a square matrix over GF(2). Throws `.notSquare` or `.singular`.
    public func inverse() throws -> BitMatrix {
        guard rows == columns else { throw GF2Error.notSquare(rows: rows, columns: columns) }
        let (m, pivots) = concatenated(with: .identity(rows)).rref()
        guard pivots.count >= rows, pivots[rows - 1] == rows - 1 else {
            throw GF2Error.singular(size: rows, rank: pivots.filter { $0 < rows }.count)
        }
        var inv = BitMatrix(rows: rows, columns: rows)
        for r in 0..<rows { for c in 0..<rows where m[r, rows + c] { inv[r, c] = true } }
        return inv
    }

    /// Linearly independent rows spanning the same row space (the nonzero rows of the RREF).
    public var rowBasis: BitMatrix {
        let (m, pivots) = rref()
        return m.selectingRows(Array(0..<pivots.count))
    }

    /// True when both matrices have the same number of columns and span the same row space.
    public func spansSameRowSpace(as other: BitMatrix) -> Bool {
        guard columns == other.columns else { return false }
        return rref().matrix.rowBasis == other.rref().matrix.rowBasis
    }

    /// Systematic form [I_r | P] of a full-row-rank matrix, with the column permutation used.
    ///
    /// Row reduction picks pivots left to right; the pivot columns are moved to the front, so column j
    /// of `matrix` is column `permutation[j]` of `self`. Throws `.rankDeficient` if the rows are dependent.
    public func standardForm() throws -> (matrix: BitMatrix, permutation: [ColumnIndex]) {
        let (m, pivots) = rref()
        guard pivots.count == rows else { throw GF2Error.rankDeficient(rows: rows, rank: pivots.count) }
        let pivotSet = Set(pivots)
        let permutation = pivots + (0..<columns).filter { !pivotSet.contains($0) }
        return (m.permutingColumns(permutation), permutation)
    }
}

extension BitMatrix {
    /// The standard form [I_m | P] as the ECCT reference code computes it (`get_standard_form`, yoniLc/ECCT;
    /// docs/DESIGN.md §2): for each diagonal position i, when column i has no 1 in rows i… the columns i ..< m shift left
    /// by one, the next unused column (m, m + 1, …) comes in at m − 1 and column i takes its place; then rows are
    /// swapped and column i cleared everywhere else (Gauss–Jordan). Column j of the result is column
    /// `permutation[j]` of `self`. For the BCH benchmark files no column moves; for the polar files columns do.
    /// Throws `.rankDeficient` when the rows are dependent (m > rank).
    public func eliminationStandardForm() throws -> (matrix: BitMatrix, permutation: [ColumnIndex]) {
        let m = min(rows, columns)
        guard rows <= columns else { throw GF2Error.rankDeficient(rows: rows, rank: rank) }
        var a = self
        var permutation = Array(0..<columns)
        var nextColumn = m
        func rotate(_ i: Int) {
            // new[i ..< m−1] ← old[i+1 ..< m], new[m−1] ← old[next], new[next] ← old[i]
            var columnsNow = (0..<rows).map { r in (i..<m).map { a[r, $0] } }
            let incoming = (0..<rows).map { a[$0, nextColumn] }
            for r in 0..<rows {
                let first = columnsNow[r][0]
                columnsNow[r].removeFirst()
                columnsNow[r].append(incoming[r])
                for (offset, bit) in columnsNow[r].enumerated() { a[r, i + offset] = bit }
                a[r, nextColumn] = first
            }
            let moved = permutation[i]
            permutation.replaceSubrange(i..<(m - 1), with: permutation[(i + 1)..<m])
            permutation[m - 1] = permutation[nextColumn]
            permutation[nextColumn] = moved
            nextColumn += 1
        }
        for i in 0..<m {
            while !(i..<rows).contains(where: { a[$0, i] }) {
                guard nextColumn < columns else { throw GF2Error.rankDeficient(rows: rows, rank: rank) }
                rotate(i)
            }
            let pivot = (i..<rows).first { a[$0, i] }!
            a.swapRows(i, pivot)
            for r in 0..<rows where r != i && a[r, i] { a.xorRow(i, into: r) }
        }
        return (a, permutation)
    }

    /// A generator matrix G (k × n, k = n − rank H, full row rank) with G·Hᵀ = 0 for a parity-check H (m × n).
    /// H may have redundant rows.
    public var generatorFromParityCheck: BitMatrix { nullSpace }

    /// A parity-check matrix H ((n − rank G) × n, full row rank) with G·Hᵀ = 0 for a generator G (k × n).
    public var parityCheckFromGenerator: BitMatrix { nullSpace }
}
