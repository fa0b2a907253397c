import GF2

/// Primitive narrow-sense binary BCH codes (Lin & Costello, ch. 6).
///
/// Length n = 2^m − 1; generator g(x) = lcm of the minimal polynomials of α, α², …, α^{2t};
/// k = n − deg g. Codeword bit i is the coefficient of x^i. H is cyclic: row i holds the reciprocal of
/// the parity polynomial h(x) = (x^n − 1)/g(x) shifted by i, so it has n − k rows.
public enum BCHConstruction {
    /// Generator polynomial for designed distance 2t + 1 (bit array, index = degree).
    public static func generatorPolynomial(field: GaloisField, t: Int) -> [UInt8] {
        var g: [UInt8] = [1]
        var used = Set<Int>()
        for i in stride(from: 1, through: 2 * t, by: 1) {
            let coset = field.cyclotomicCoset(i)
            guard let rep = coset.min(), !used.contains(rep) else { continue }
            used.insert(rep)
            g = BinaryPolynomial.multiply(g, field.minimalPolynomial(i))
        }
        return g
    }

    /// The (k, t) pairs available at length 2^m − 1, for error messages and listings.
    public static func availableDimensions(m: Int) -> [(k: Int, t: Int)] {
        let field = GaloisField(m: m)
        var out: [(Int, Int)] = []
        var lastK = -1
        for t in 1..<(field.order / 2) {
            let k = field.order - (generatorPolynomial(field: field, t: t).count - 1)
            if k <= 1 { break }
            if k != lastK { out.append((k, t)); lastK = k }
        }
        return out
    }

    /// BCH(n, k); throws if n is not 2^m − 1 (3 ≤ m ≤ 10) or no designed distance gives dimension k.
    public static func code(n: Int, k: Int) throws -> LinearCode {
        guard let m = (3...10).first(where: { (1 << $0) - 1 == n }) else {
            throw CodeError("BCH-\(n)-\(k): length must be 2^m − 1 with 3 ≤ m ≤ 10 (7, 15, 31, 63, 127, 255, 511, 1023)")
        }
        let options = availableDimensions(m: m)
        guard let t = options.first(where: { $0.k == k })?.t else {
            let ks = options.map { String($0.k) }.joined(separator: ", ")
            throw CodeError("BCH-\(n)-\(k): no narrow-sense BCH code of length \(n) has dimension \(k); available k: \(ks)")
        }
        let field = GaloisField(m: m)
        let g = generatorPolynomial(field: field, t: t)
        var xn1 = [UInt8](repeating: 0, count: n + 1); xn1[0] = 1; xn1[n] = 1
        let h = BinaryPolynomial.divide(xn1, by: g).quotient  // degree k
        // H row i: coefficient of x^{i+j} is h_{k−j}, j = 0...k
        var H = BitMatrix(rows: n - k, columns: n)
        for i in 0..<(n - k) { for j in 0...k where h[k - j] == 1 { H[i, i + j] = true } }
        var G = BitMatrix(rows: k, columns: n)
        for i in 0..<k { for (d, c) in g.enumerated() where c == 1 { G[i, i + d] = true } }
        return LinearCode(name: "BCH-\(n)-\(k)", parityCheck: H, generator: G,
                          structure: .bch(m: m, t: t, primitivePolynomial: field.primitivePolynomial))
    }
}
