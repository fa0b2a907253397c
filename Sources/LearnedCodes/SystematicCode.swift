import Base
import Codes
import GF2

/// A binary linear code in systematic form whose parity part is learned through real parameters Ω
/// (Choukroun & Wolf, "Learning Linear Block Error Correction Codes", ICML 2024; docs/DESIGN.md §7; reference
/// yoniLc/E2E_DC_ECCT):
///
///   P = bin(Ω),  P_ij = 1 iff Ω_ij < 0             Ω, P: [m, k], m = n − k
///   H = [I_m | P]  [m, n]        G = [Pᵀ | I_k]  [k, n]        (G·Hᵀ = Pᵀ + Pᵀ = 0 for every Ω)
///
/// The binarisation's backward is straight-through where |Ω| ≤ 1 and zero elsewhere: ∂P/∂Ω = −½·1[|Ω| ≤ 1].
public struct SystematicCode: Sendable, Equatable {
    public let n: Int
    public let k: Int
    public var m: Int { n - k }
    /// P [m, k] row-major, 0/1.
    public let parity: [UInt8]

    public init(n: Int, k: Int, parity: [UInt8]) {
        precondition(
            k >= 1 && n > k && parity.count == (n - k) * k,
            "SystematicCode: P of \(parity.count) bits for n = \(n), k = \(k)")
        self.n = n
        self.k = k
        self.parity = parity
    }

    /// The code of Ω [m, k] (P_ij = 1 iff Ω_ij < 0).
    public init(n: Int, k: Int, omega: UnsafePointer<Float>) {
        self.init(n: n, k: k, parity: (0..<((n - k) * k)).map { omega[$0] < 0 ? 1 : 0 })
    }

    /// H [m, n] = [I | P] as floats (0/1).
    public var checkMatrix: [Float] {
        var h = [Float](repeating: 0, count: m * n)
        for c in 0..<m {
            h[c * n + c] = 1
            for i in 0..<k { h[c * n + m + i] = Float(parity[c * k + i]) }
        }
        return h
    }

    /// G [k, n] = [Pᵀ | I] as floats (0/1).
    public var generator: [Float] {
        var g = [Float](repeating: 0, count: k * n)
        for i in 0..<k {
            for c in 0..<m { g[i * n + c] = Float(parity[c * k + i]) }
            g[i * n + m + i] = 1
        }
        return g
    }

    /// The supports of H's rows: check c covers bit c and the bits m + i with P_ci = 1.
    public var checkSupports: [[Int]] {
        (0..<m).map { c in [c] + (0..<k).filter { parity[c * k + $0] == 1 }.map { m + $0 } }
    }

    /// P's rows.
    public var parityRows: [[UInt8]] { (0..<m).map { Array(parity[($0 * k)..<(($0 + 1) * k)]) } }

    /// The code as an ordinary `LinearCode` (H = [I | P], G = [Pᵀ | I]).
    public func linearCode(name: String) -> LinearCode { .systematic(name: name, parity: parityRows) }

    /// H = [I | P] as a bit matrix.
    public var parityCheck: BitMatrix { linearCode(name: "").H }

    /// dΩ += −½·(dH[:, m:] + dG[:, :m]ᵀ) ⊙ 1[|Ω| ≤ 1]. dH [m, n], dG [k, n], Ω and dΩ [m, k].
    public static func accumulateOmegaGradient(
        omega: UnsafePointer<Float>, dH: UnsafePointer<Float>, dG: UnsafePointer<Float>,
        n: Int, k: Int, into dOmega: UnsafeMutablePointer<Float>
    ) {
        let m = n - k
        for c in 0..<m {
            for i in 0..<k where abs(omega[c * k + i]) <= 1 {
                dOmega[c * k + i] += -0.5 * (dH[c * n + m + i] + dG[i * n + c])
            }
        }
    }

    /// The reference's initial Ω: ±scale with random signs.
    public static func randomOmega<G: RandomNumberGenerator>(n: Int, k: Int, scale: Float = 0.01, using rng: inout G)
        -> [Float]
    {
        (0..<((n - k) * k)).map { _ in rng.next() & 1 == 0 ? scale : -scale }
    }

    /// Ω (±scale) whose code is `code` brought to systematic form [I | P] (rows reduced; when the pivots are not the
    /// first m columns, the columns are permuted, which gives an equivalent code: the permutation is returned).
    public static func omega(from code: LinearCode, scale: Float = 0.01) throws -> (omega: [Float], permutation: [Int])
    {
        let (form, permutation) = try code.H.rowBasis.standardForm()
        let m = form.rows, n = form.columns, k = n - m
        guard m == code.n - code.k else {
            throw LearnedCodeError("--init \(code.name): its H has rank \(m), not n − k = \(code.n - code.k)")
        }
        var omega = [Float](repeating: scale, count: m * k)
        for c in 0..<m { for i in 0..<k where form[c, m + i] { omega[c * k + i] = -scale } }
        return (omega, permutation)
    }
}

/// Errors of the learned-code tools: the message names the field, file or value at fault.
public struct LearnedCodeError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
