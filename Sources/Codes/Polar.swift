import Foundation
import GF2

/// Polar codes (Arıkan 2009) in natural order: x = u·F^{⊗p}, F = [[1,0],[1,1]], n = 2^p.
///
/// F^{⊗p}[i, j] = 1 iff j ⊆ i as bit sets. Since F^{⊗p} is its own inverse, the frozen constraints
/// u_i = 0 (i frozen) read (x·F^{⊗p})_i = 0: H is the transpose of the frozen columns of F^{⊗p}.
///
/// Construction: the K best synthetic channels under the Bhattacharyya bound on BI-AWGN,
/// z(W) = exp(−Es/N0), z⁻ = 2z − z², z⁺ = z². With the index bits read most-significant first, the
/// recursion gives each u_i's channel under natural-order SC (`.natural`). The benchmark files of the
/// neural-decoding literature (POLAR_N64_K32 … POLAR_N128_K96 of the channel-codes database) are
/// reproduced exactly by reading the index bits in the opposite order (`.bitReversed`) at design
/// Es/N0 = 4 dB; the catalog uses that, so that POLAR-n-k names the papers' codes. Under natural-order
/// SC those codes are poor (POLAR-64-32 at 4 dB: SC FER 0.12 against 0.0045 for the natural construction),
/// so the natural construction is in the catalog too, as POLARSC-n-k.
public enum PolarConstruction {
    /// How a channel index maps to the polarization sequence.
    public enum IndexOrder: Sendable { case natural, bitReversed }

    /// Design Es/N0 (dB) of the catalog's polar codes.
    public static let defaultDesignEsN0: Double = 4.0

    /// ln z of the n synthetic channels at design Es/N0 (dB), computed in the log domain.
    public static func bhattacharyyaLog(n: Int, designEsN0 dB: Double, order: IndexOrder = .natural) -> [Double] {
        var z: [Double] = [-pow(10, dB / 10)]
        while z.count < n {
            var next = [Double](repeating: 0, count: 2 * z.count)
            for (i, lz) in z.enumerated() {
                next[2 * i] = lz + log(2 - exp(lz))  // z⁻ = z(2 − z)
                next[2 * i + 1] = 2 * lz  // z⁺ = z²
            }
            z = next
        }
        guard order == .bitReversed else { return z }
        let p = n.trailingZeroBitCount
        return (0..<n).map { z[bitReverse($0, bits: p)] }
    }

    static func bitReverse(_ i: Int, bits: Int) -> Int {
        var r = 0
        for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
        return r
    }

    /// Frozen mask (true = frozen): all but the k channels with the smallest z (ties: lower index first).
    public static func frozenSet(
        n: Int, k: Int, designEsN0: Double = defaultDesignEsN0,
        order: IndexOrder = .bitReversed
    ) -> [Bool] {
        let z = bhattacharyyaLog(n: n, designEsN0: designEsN0, order: order)
        let best = (0..<n).sorted { z[$0] != z[$1] ? z[$0] < z[$1] : $0 < $1 }.prefix(k)
        var frozen = [Bool](repeating: true, count: n)
        for i in best { frozen[i] = false }
        return frozen
    }

    /// F^{⊗p} as a bit matrix: row i has ones at every j ⊆ i.
    public static func kernelPower(n: Int) -> BitMatrix {
        var T = BitMatrix(rows: n, columns: n)
        for i in 0..<n { for j in 0...i where j & ~i == 0 { T[i, j] = true } }
        return T
    }

    /// The polar code with the given frozen mask: H = (frozen columns of F^{⊗p})ᵀ, G = information rows.
    public static func code(name: String, frozen: [Bool]) -> LinearCode {
        let n = frozen.count
        let T = kernelPower(n: n)
        let frozenIdx = (0..<n).filter { frozen[$0] }
        let infoIdx = (0..<n).filter { !frozen[$0] }
        var H = BitMatrix(rows: frozenIdx.count, columns: n)
        for (r, f) in frozenIdx.enumerated() { for i in 0..<n where T[i, f] { H[r, i] = true } }
        return LinearCode(
            name: name, parityCheck: H, generator: T.selectingRows(infoIdx),
            structure: .polar(frozen: frozen))
    }

    /// POLAR-n-k of the catalog (Bhattacharyya construction, see the type's notes).
    public static func code(
        n: Int, k: Int, designEsN0: Double = defaultDesignEsN0,
        order: IndexOrder = .bitReversed
    ) throws -> LinearCode {
        let family = order == .natural ? "POLARSC" : "POLAR"
        guard n >= 2, n <= 1 << 16, n & (n - 1) == 0 else {
            throw CodeError("\(family)-\(n)-\(k): length must be a power of two between 2 and 65536")
        }
        guard k >= 1, k < n else { throw CodeError("\(family)-\(n)-\(k): dimension must be in 1...\(n - 1)") }
        return code(name: "\(family)-\(n)-\(k)", frozen: frozenSet(n: n, k: k, designEsN0: designEsN0, order: order))
    }

    /// Recognise a polar code in a parity-check matrix: n a power of two and every row of H equal to a
    /// column of F^{⊗p} (natural order), with rank n − K. Returns `.polar` with that frozen set, else `.none`.
    public static func detect(_ H: BitMatrix) -> CodeStructure {
        let n = H.columns
        guard n >= 4, n <= 4096, n & (n - 1) == 0 else { return .none }
        var frozen = [Bool](repeating: false, count: n)
        for r in 0..<H.rows {
            let support = H.row(r).support
            // column f of F^{⊗p} has ones at every i ⊇ f: its smallest element is f itself
            guard let f = support.first else { continue }
            let expected = (f..<n).filter { $0 & f == f }
            guard support == expected else { return .none }
            frozen[f] = true
        }
        return frozen.contains(true) ? .polar(frozen: frozen) : .none
    }
}
