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
            throw CodeError(
                "BCH-\(n)-\(k): length must be 2^m − 1 with 3 ≤ m ≤ 10 (7, 15, 31, 63, 127, 255, 511, 1023)")
        }
        let options = availableDimensions(m: m)
        guard let t = options.first(where: { $0.k == k })?.t else {
            let ks = options.map { String($0.k) }.joined(separator: ", ")
            throw CodeError(
                "BCH-\(n)-\(k): no narrow-sense BCH code of length \(n) has dimension \(k); available k: \(ks)")
        }
        let field = GaloisField(m: m)
        var code = SmallCodes.cyclic(name: "BCH-\(n)-\(k)", n: n, generator: generatorPolynomial(field: field, t: t))
        code.structure = .bch(m: m, t: t, primitivePolynomial: field.primitivePolynomial)
        return code
    }
}
