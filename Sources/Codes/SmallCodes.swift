import GF2

/// Hamming, Golay, Reed–Muller, repetition and single-parity-check codes.
public enum SmallCodes {
    /// Hamming(2^r − 1, 2^r − 1 − r): H has every nonzero r-bit column, column j = binary of j + 1.
    public static func hamming(r: Int) throws -> LinearCode {
        guard (2...16).contains(r) else { throw CodeError("HAMMING: r = \(r) must be in 2...16") }
        let n = (1 << r) - 1
        var H = BitMatrix(rows: r, columns: n)
        for j in 0..<n { for b in 0..<r where (j + 1) & (1 << b) != 0 { H[b, j] = true } }
        return LinearCode(name: "HAMMING-\(n)-\(n - r)", parityCheck: H)
    }

    /// Binary Golay(23, 12): cyclic with g(x) = x^11 + x^10 + x^6 + x^5 + x^4 + x^2 + 1 (minimum distance 7).
    public static func golay23() -> LinearCode {
        let g: [UInt8] = [1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1]  // index = degree
        return cyclic(name: "GOLAY-23-12", n: 23, generator: g)
    }

    /// Extended Golay(24, 12): Golay(23, 12) with an overall parity bit (minimum distance 8).
    public static func golay24() -> LinearCode {
        let base = golay23()
        var G = BitMatrix(rows: 12, columns: 24)
        for r in 0..<12 {
            for c in 0..<23 where base.G[r, c] { G[r, c] = true }
            if base.G.rowWeight(r) & 1 == 1 { G[r, 23] = true }
        }
        return LinearCode(name: "GOLAY-24-12", parityCheck: G.parityCheckFromGenerator, generator: G)
    }

    /// Cyclic code with generator polynomial g: G rows are shifts of g, H rows shifts of the reciprocal
    /// parity polynomial h = (x^n − 1)/g.
    public static func cyclic(name: String, n: Int, generator g: [UInt8]) -> LinearCode {
        let k = n - (g.count - 1)
        var xn1 = [UInt8](repeating: 0, count: n + 1); xn1[0] = 1; xn1[n] = 1
        let h = BinaryPolynomial.divide(xn1, by: g).quotient
        var H = BitMatrix(rows: n - k, columns: n)
        for i in 0..<(n - k) { for j in 0...k where h[k - j] == 1 { H[i, i + j] = true } }
        var G = BitMatrix(rows: k, columns: n)
        for i in 0..<k { for (d, c) in g.enumerated() where c == 1 { G[i, i + d] = true } }
        return LinearCode(name: name, parityCheck: H, generator: G)
    }

    /// Dimension of RM(r, m): Σ_{i ≤ r} C(m, i).
    public static func reedMullerDimension(r: Int, m: Int) -> Int {
        var k = 0, c = 1
        for i in 0...r { k += c; c = c * (m - i) / (i + 1) }
        return k
    }

    /// Reed–Muller RM(r, m): length 2^m, G rows are the evaluations of the monomials of degree ≤ r
    /// at the points 0 ..< 2^m (point p, variable b = bit b of p). Minimum distance 2^{m−r}.
    public static func reedMuller(r: Int, m: Int) throws -> LinearCode {
        guard (1...16).contains(m), (0..<m).contains(r) else {
            throw CodeError("RM-\(r)-\(m): need 0 ≤ r < m ≤ 16")
        }
        let n = 1 << m
        let monomials = (0..<(1 << m)).filter { $0.nonzeroBitCount <= r }
            .sorted { ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1) }
        var G = BitMatrix(rows: monomials.count, columns: n)
        for (row, mono) in monomials.enumerated() { for p in 0..<n where p & mono == mono { G[row, p] = true } }
        return LinearCode(name: "RM-\(r)-\(m)", parityCheck: G.parityCheckFromGenerator, generator: G)
    }

    /// Repetition code of length n: H rows x_0 + x_i = 0.
    public static func repetition(n: Int) throws -> LinearCode {
        guard n >= 2 else { throw CodeError("REP-\(n): length must be at least 2") }
        var H = BitMatrix(rows: n - 1, columns: n)
        for i in 1..<n { H[i - 1, 0] = true; H[i - 1, i] = true }
        return LinearCode(name: "REP-\(n)", parityCheck: H)
    }

    /// Single parity-check code of length n: one all-ones check.
    public static func singleParityCheck(n: Int) throws -> LinearCode {
        guard n >= 2 else { throw CodeError("SPC-\(n): length must be at least 2") }
        var H = BitMatrix(rows: 1, columns: n)
        for i in 0..<n { H[0, i] = true }
        return LinearCode(name: "SPC-\(n)", parityCheck: H)
    }
}

extension LinearCode {
    /// The same code under another name.
    public func renamed(_ newName: String) -> LinearCode {
        LinearCode(name: newName, parityCheck: H, generator: G, structure: structure)
    }
}
