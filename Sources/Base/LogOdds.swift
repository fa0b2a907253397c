import Foundation

/// ln((1 − p) / p), the log-likelihood ratio of a bit flipped with probability p.
///
/// Computed as log1p(−p) − log(p), which stays finite for every p in (0, 1), subnormals included (p = 5e-324 gives
/// ≈ 744.4), where (1 − p) / p overflows to infinity. p ≤ 0 gives +∞ and p ≥ 1 gives −∞; NaN gives NaN.
@inlinable public func logOdds(_ p: Double) -> Double {
    if p <= 0 { return .infinity }
    if p >= 1 { return -.infinity }
    return log1p(-p) - log(p)
}
