import Foundation
import GF2

/// Polar codes (Arıkan 2009) in natural order: x = u·F^{⊗p}, F = [[1,0],[1,1]], n = 2^p.
///
/// F^{⊗p}[i, j] = 1 iff j ⊆ i as bit sets. Since F^{⊗p} is its own inverse, the frozen constraints
/// u_i = 0 (i frozen) read (x·F^{⊗p})_i = 0: H is the transpose of the frozen columns of F^{⊗p}.
/// The information set is the K most reliable synthetic channels under the Bhattacharyya bound
/// at a design SNR (Arıkan's construction; z_{2i} = 2z − z², z_{2i+1} = z² in the natural index order).
public enum PolarConstruction {
    /// Default design Eb/N0 of the catalog's polar codes (dB).
    public static let defaultDesignEbN0: Double = 0.0

    /// Bhattacharyya parameters of the n synthetic channels on BPSK-AWGN with the given design Eb/N0.
    /// Computed in the log domain so that tiny parameters do not underflow.
    public static func bhattacharyyaLog(n: Int, rate: Double, designEbN0 dB: Double) -> [Double] {
        // BI-AWGN: Z(W) = exp(−Es/N0) = exp(−R·Eb/N0)
        var z: [Double] = [-rate * pow(10, dB / 10)]
        while z.count < n {
            var next = [Double](repeating: 0, count: 2 * z.count)
            for (i, lz) in z.enumerated() {
                // worse channel (check-node combination): 2z − z² = z(2 − z); better: z²
                next[2 * i] = lz + log(2 - exp(lz))
                next[2 * i + 1] = 2 * lz
            }
            z = next
        }
        // The first polarization step sets the most significant index bit, which is the natural order
        // of x = u·F^{⊗p}: u_i with i < n/2 sees the worse channel at the outermost SC stage.
        return z
    }

    /// Frozen mask (true = frozen) of the K best channels by Bhattacharyya parameter.
    public static func frozenSet(n: Int, k: Int, designEbN0: Double = defaultDesignEbN0) -> [Bool] {
        let z = bhattacharyyaLog(n: n, rate: Double(k) / Double(n), designEbN0: designEbN0)
        let best = (0..<n).sorted { z[$0] != z[$1] ? z[$0] < z[$1] : $0 > $1 }.prefix(k)
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
        return LinearCode(name: name, parityCheck: H, generator: T.selectingRows(infoIdx),
                          structure: .polar(frozen: frozen))
    }

    /// POLAR-n-k of the catalog (Bhattacharyya construction at `designEbN0`).
    public static func code(n: Int, k: Int, designEbN0: Double = defaultDesignEbN0) throws -> LinearCode {
        guard n >= 2, n <= 1 << 16, n & (n - 1) == 0 else {
            throw CodeError("POLAR-\(n)-\(k): length must be a power of two between 2 and 65536")
        }
        guard k >= 1, k < n else { throw CodeError("POLAR-\(n)-\(k): dimension must be in 1...\(n - 1)") }
        return code(name: "POLAR-\(n)-\(k)", frozen: frozenSet(n: n, k: k, designEbN0: designEbN0))
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
