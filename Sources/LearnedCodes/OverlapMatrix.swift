/// The real overlap matrix of a parity-check matrix that the DC-ECCT's attention is modulated by (docs/DESIGN.md §7):
///
///   M = [[HᵀH, Hᵀ], [H, HHᵀ]]        H: [m, n],  M: [L, L], L = n + m
///
/// (HᵀH)_jk counts the checks bits j and k share, (HHᵀ)_cd the bits checks c and d share. Tokens 0..<n are bits,
/// n..<L checks (the ECCT's order). For 0/1 H the entries are integer counts; H may be real (gradient checks).
public enum OverlapMatrix {
    // H: [m, n] → M: [L, L] (written)
    public static func forward(H: UnsafePointer<Float>, m: Int, n: Int, into M: UnsafeMutablePointer<Float>) {
        let L = n + m
        for j in 0..<n {
            for l in 0..<n {
                var s: Float = 0
                for c in 0..<m { s += H[c * n + j] * H[c * n + l] }
                M[j * L + l] = s
            }
            for c in 0..<m { M[j * L + n + c] = H[c * n + j]; M[(n + c) * L + j] = H[c * n + j] }
        }
        for c in 0..<m {
            for e in 0..<m {
                var s: Float = 0
                for j in 0..<n { s += H[c * n + j] * H[e * n + j] }
                M[(n + c) * L + n + e] = s
            }
        }
    }

    /// dH += ∂ℓ/∂H from dM [L, L]:
    ///   dH_cj += Σ_l H_cl (dM_jl + dM_lj) + dM_{j, n+c} + dM_{n+c, j} + Σ_e H_ej (dM_{n+c, n+e} + dM_{n+e, n+c}).
    public static func backward(
        dM: UnsafePointer<Float>, H: UnsafePointer<Float>, m: Int, n: Int,
        dH: UnsafeMutablePointer<Float>
    ) {
        let L = n + m
        for c in 0..<m {
            for j in 0..<n {
                var s = dM[j * L + n + c] + dM[(n + c) * L + j]
                for l in 0..<n { s += H[c * n + l] * (dM[j * L + l] + dM[l * L + j]) }
                for e in 0..<m { s += H[e * n + j] * (dM[(n + c) * L + n + e] + dM[(n + e) * L + n + c]) }
                dH[c * n + j] += s
            }
        }
    }
}
