import Foundation

/// A two-sided confidence interval.
public struct Interval: Sendable, Equatable, Codable {
    public let lower: Double
    public let upper: Double
    public init(lower: Double, upper: Double) { self.lower = lower; self.upper = upper }
    public func contains(_ x: Double) -> Bool { x >= lower && x <= upper }
}

public enum Statistics {
    /// z of a two-sided 95% normal interval.
    public static let z95 = 1.959963984540054

    /// Wilson score interval for a binomial proportion (errors out of trials), 95% by default.
    public static func wilson(errors: Int, trials: Int, z: Double = z95) -> Interval {
        guard trials > 0 else { return Interval(lower: 0, upper: 1) }
        let n = Double(trials), p = Double(errors) / n, z2 = z * z
        let center = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return Interval(lower: errors == 0 ? 0 : max(0, center - half), upper: min(1, center + half))
    }

    /// Interval for the BER from per-frame bit-error counts (bit errors cluster in frames, so the frame is
    /// the independent unit): mean ± z·s/√F over frames, divided by n. With no errors, the upper end is the
    /// rule of three, 3/(F·n).
    public static func berInterval(bitErrors: Int, sumSquares: Double, frames: Int, n: Int, z: Double = z95) -> Interval
    {
        guard frames > 1 else { return Interval(lower: 0, upper: 1) }
        let F = Double(frames), bits = Double(n)
        guard bitErrors > 0 else { return Interval(lower: 0, upper: min(1, 3 / (F * bits))) }
        let mean = Double(bitErrors) / F
        let variance = max(0, (sumSquares - F * mean * mean) / (F - 1))
        let half = z * (variance / F).squareRoot()
        return Interval(lower: max(0, (mean - half) / bits), upper: min(1, (mean + half) / bits))
    }
}
