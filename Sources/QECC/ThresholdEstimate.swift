import Channels

/// Where the logical-error-rate curves of two code sizes cross: the threshold estimate of a pair.
///
/// With Δ(p) = LER_large(p) − LER_small(p) on the common grid, the crossing is the first sign change of Δ from
/// negative to positive, linearly interpolated. Its interval is where Δ ± 1.96·σ_Δ change sign (σ_Δ from the two
/// binomial standard errors); an end that does not cross inside the grid is reported as the grid's end.
public struct Crossing: Sendable, Equatable {
    public let small: Int, large: Int
    public let decoder: String
    public let p: Double?
    public let interval: Interval?

    public static func estimate(small: [LERPoint], large: [LERPoint], sizes: (Int, Int), decoder: String) -> Crossing {
        let grid = small.map(\.p).filter { p in large.contains { $0.p == p } }.sorted()
        func point(_ list: [LERPoint], _ p: Double) -> LERPoint { list.first { $0.p == p }! }
        var delta: [Double] = [], sigma: [Double] = []
        for p in grid {
            let a = point(small, p), b = point(large, p)
            delta.append(b.ler - a.ler)
            let va = a.ler * (1 - a.ler) / Double(max(a.shots, 1)), vb = b.ler * (1 - b.ler) / Double(max(b.shots, 1))
            sigma.append((va + vb).squareRoot())
        }
        func root(_ f: [Double]) -> Double? {
            for i in 1..<max(f.count, 1) where f[i - 1] < 0 && f[i] >= 0 {
                return grid[i - 1] + (grid[i] - grid[i - 1]) * (-f[i - 1]) / (f[i] - f[i - 1])
            }
            return nil
        }
        let z = Statistics.z95
        let centre = root(delta)
        let early = root(zip(delta, sigma).map { $0 + z * $1 }), late = root(zip(delta, sigma).map { $0 - z * $1 })
        let interval = centre.map { _ in Interval(lower: early ?? grid.first!, upper: late ?? grid.last!) }
        return Crossing(small: sizes.0, large: sizes.1, decoder: decoder, p: centre, interval: interval)
    }
}
