/// Hard-decision bounded-distance decoding of binary BCH codes: syndromes, Berlekamp–Massey,
/// Chien search (Berlekamp 1968; Massey 1969; Lin & Costello §6.2).
///
/// Corrects up to t errors. When the error-locator polynomial does not have deg Λ distinct roots
/// among the code positions (more than t errors), it returns the hard decision unchanged.
public struct BerlekampMasseyDecoder: Decoder {
    public let name: String
    let field: GaloisField
    let n: Int
    let t: Int

    /// Throws when the code carries no BCH structure.
    public init(code: LinearCode, name: String = "bm") throws {
        guard case .bch(let m, let t, let poly) = code.structure else {
            throw CodeError(
                "decoder '\(name)': Berlekamp–Massey needs a catalog BCH code (BCH-n-k); \(code.name) has no BCH structure"
            )
        }
        self.field = GaloisField(m: m, primitivePolynomial: poly)
        self.n = code.n
        self.t = t
        self.name = name
    }

    public func decode(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>) {
        var syndromes = [Int](repeating: 0, count: 2 * t)
        for f in 0..<count {
            let out = UnsafeMutableBufferPointer(rebasing: bits[(f * n)..<((f + 1) * n)])
            for i in 0..<n { out[i] = hardDecision(llr[f * n + i]) }
            // S_j = r(α^j), j = 1 … 2t
            var any = false
            for j in 1...(2 * t) {
                var s = 0
                for i in 0..<n where out[i] != 0 { s ^= Int(field.exp[(i * j) % field.order]) }
                syndromes[j - 1] = s
                any = any || s != 0
            }
            guard any else { continue }
            let locator = berlekampMassey(syndromes)
            let degree = locator.count - 1
            guard degree <= t else { continue }
            // Chien search: error at i iff Λ(α^{−i}) = 0
            var roots: [Int] = []
            for i in 0..<n {
                var v = 0
                for (d, c) in locator.enumerated() where c != 0 {
                    v ^= field.multiply(c, field.power(-i * d))
                }
                if v == 0 { roots.append(i) }
            }
            guard roots.count == degree else { continue }
            for i in roots { out[i] ^= 1 }
        }
    }

    /// Shortest LFSR (connection polynomial Λ, Λ_0 = 1) generating the syndrome sequence S_1 … S_2t.
    func berlekampMassey(_ S: [Int]) -> [Int] {
        var C = [1], B = [1]
        var L = 0, shift = 1, b = 1
        for r in 0..<S.count {
            var d = S[r]
            for i in 1..<min(C.count, L + 1) where i <= r { d ^= field.multiply(C[i], S[r - i]) }
            if d == 0 { shift += 1; continue }
            let coef = field.multiply(d, field.inverse(b))
            var next = C
            if next.count < B.count + shift { next += [Int](repeating: 0, count: B.count + shift - next.count) }
            for (i, x) in B.enumerated() { next[i + shift] ^= field.multiply(coef, x) }
            if 2 * L <= r {
                B = C; L = r + 1 - L; b = d; shift = 1
            } else {
                shift += 1
            }
            C = next
        }
        while C.count > 1 && C.last == 0 { C.removeLast() }
        return C.count - 1 == L ? C : Array(C.prefix(L + 1))
    }
}
