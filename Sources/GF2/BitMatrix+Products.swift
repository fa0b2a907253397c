extension BitMatrix {
    /// Transpose: (A^T)[c, r] = A[r, c].
    public var transposed: BitMatrix {
        var t = BitMatrix(rows: columns, columns: rows)
        for r in 0..<rows {
            for w in 0..<wordsPerRow {
                var x = words[r * wordsPerRow + w]
                while x != 0 {
                    let c = w << 6 + x.trailingZeroBitCount
                    t[c, r] = true
                    x &= x &- 1
                }
            }
        }
        return t
    }

    /// Matrix product over GF(2): (A·B)[i, j] = ⊕_l A[i, l] B[l, j].  A: [r, c], B: [c, s] → [r, s].
    ///
    /// Row i of the result is the XOR of the rows of B selected by the set bits of row i of A.
    public static func * (a: BitMatrix, b: BitMatrix) -> BitMatrix {
        precondition(a.columns == b.rows, "BitMatrix: product of \(a.rows)×\(a.columns) and \(b.rows)×\(b.columns)")
        var out = BitMatrix(rows: a.rows, columns: b.columns)
        let wb = b.wordsPerRow
        out.words.withUnsafeMutableBufferPointer { o in
            b.words.withUnsafeBufferPointer { bw in
                for i in 0..<a.rows {
                    for w in 0..<a.wordsPerRow {
                        var x = a.words[i * a.wordsPerRow + w]
                        while x != 0 {
                            let l = w << 6 + x.trailingZeroBitCount
                            for k in 0..<wb { o[i * wb + k] ^= bw[l * wb + k] }
                            x &= x &- 1
                        }
                    }
                }
            }
        }
        return out
    }

    /// Matrix–vector product over GF(2): (A·v)[i] = parity(row_i AND v).  A: [r, c], v: [c] → [r].
    public func multiply(_ v: BitVector) -> BitVector {
        precondition(v.count == columns, "BitMatrix: product of \(rows)×\(columns) with a vector of \(v.count)")
        var out = BitVector(count: rows)
        for r in 0..<rows {
            var acc = 0
            for w in 0..<wordsPerRow { acc &+= (words[r * wordsPerRow + w] & v.words[w]).nonzeroBitCount }
            if acc & 1 == 1 { out[r] = true }
        }
        return out
    }

    /// Vector–matrix product over GF(2): (u·A) = ⊕ of the rows of A selected by u.  u: [r] → [c].
    public func leftMultiply(_ u: BitVector) -> BitVector {
        precondition(u.count == rows, "BitMatrix: product of a vector of \(u.count) with \(rows)×\(columns)")
        var out = BitVector(count: columns)
        for r in u.support {
            for w in 0..<wordsPerRow { out.words[w] ^= words[r * wordsPerRow + w] }
        }
        return out
    }

    /// Horizontal concatenation [A | B].
    public func concatenated(with b: BitMatrix) -> BitMatrix {
        precondition(rows == b.rows, "BitMatrix: [A|B] with \(rows) and \(b.rows) rows")
        var out = BitMatrix(rows: rows, columns: columns + b.columns)
        for r in 0..<rows {
            for c in 0..<columns where self[r, c] { out[r, c] = true }
            for c in 0..<b.columns where b[r, c] { out[r, columns + c] = true }
        }
        return out
    }

    /// The columns of `self` reordered: column j of the result is column `permutation[j]` of `self`.
    public func permutingColumns(_ permutation: [ColumnIndex]) -> BitMatrix {
        precondition(
            permutation.count == columns, "BitMatrix: permutation of \(permutation.count) for \(columns) columns")
        var out = BitMatrix(rows: rows, columns: columns)
        for r in 0..<rows {
            for (j, src) in permutation.enumerated() where self[r, src] { out[r, j] = true }
        }
        return out
    }

    /// The sub-matrix of the given rows.
    public func selectingRows(_ indices: [RowIndex]) -> BitMatrix {
        var out = BitMatrix(rows: indices.count, columns: columns)
        for (i, r) in indices.enumerated() {
            for w in 0..<wordsPerRow { out.words[i * wordsPerRow + w] = words[r * wordsPerRow + w] }
        }
        return out
    }
}
