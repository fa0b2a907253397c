import Base
import Foundation

/// How a data-parallel step combines its slices' gradients g_s (s = 0 … S−1, docs/DESIGN.md §10).
public enum GradientAggregation: Equatable, Sendable, CustomStringConvertible {
    /// Σ_s g_s, the whole batch's gradient (every slice's loss share is already a part of the batch mean).
    case mean
    /// Adaptive consensus (AdaCons) with this momentum on the sorted weights (the reference uses 0.99).
    case adacons(momentum: Double)

    public var description: String {
        switch self {
        case .mean: "mean"
        case .adacons(let m): "adacons (momentum \(m))"
        }
    }

    /// `mean` or `adacons`; throws a `SettingsError` quoting anything else or a momentum outside [0, 1).
    public static func named(_ name: String, momentum: Double = 0.99) throws -> GradientAggregation {
        switch name.lowercased() {
        case "mean": return .mean
        case "adacons":
            guard momentum >= 0, momentum < 1 else {
                throw SettingsError("AdaCons momentum \(momentum) must be in [0, 1)")
            }
            return .adacons(momentum: momentum)
        default: throw SettingsError("aggregation '\(name)' is not mean or adacons")
        }
    }
}

/// Adaptive Consensus Gradients Aggregation (Choukroun, Azoulay & Kisilev, arXiv 2411.03742; reference yoniLc/AdaCons
/// `AdaConsAggregator.aggregate`), over the S slices of one step.
///
/// With g = Σ_s g_s: α_s = ⟨g, g_s⟩ / (‖g_s‖ + ε) / S (ε = 1e-8); the α sorted ascending (a stable sort: ties keep slice
/// order) give v and the permutation π (v_j = α_π(j)); the momentum state m = v on the first step, then
/// m ← μ·m + (1 − μ)·v; the weights are m gathered by π as the reference indexes it (w_s = m[π(s)]), normalised to sum 1;
/// and the step's gradient is Σ_s w_s · g_s / (‖g_s‖ + ε) (summed through `SliceTree`). The dot products and norms
/// are summed in Double per block of `block` floats and then over the blocks in order, so that ranks holding different
/// blocks get the same numbers.
public enum AdaCons {
    public static let epsilon = 1e-8
    /// Floats per block of the partial sums (the unit in which ranks share a step's gradient).
    public static let block = 4096

    /// For each slice, per block of `block` floats of the `count` given: ⟨sum, g_s⟩ and ‖g_s‖² over the block, as
    /// [slices][blocks][2].
    public static func blockPartials(
        sum: UnsafePointer<Float>, count: Int, slices: [UnsafePointer<Float>], block: Int
    ) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(2 * slices.count * ((count + block - 1) / block))
        for g in slices {
            for start in Swift.stride(from: 0, to: count, by: block) {
                let end = min(count, start + block)
                var dot = 0.0, square = 0.0
                for i in start..<end {
                    let x = Double(g[i])
                    dot += Double(sum[i]) * x
                    square += x * x
                }
                out.append(dot)
                out.append(square)
            }
        }
        return out
    }

    /// The factors c_s = w_s / (‖g_s‖ + ε) of each slice's gradient from every block's partial sums ([slices][blocks][2],
    /// summed in block order), updating the momentum `state` ([S], nil before the first step).
    public static func factors(blockPartials: [Double], slices S: Int, momentum: Double, state: inout [Double]?)
        -> [Double]
    {
        var dots = [Double](repeating: 0, count: S), squares = [Double](repeating: 0, count: S)
        let blocks = blockPartials.count / (2 * S)
        for s in 0..<S {
            for b in 0..<blocks {
                dots[s] += blockPartials[(s * blocks + b) * 2]
                squares[s] += blockPartials[(s * blocks + b) * 2 + 1]
            }
        }
        let norms = squares.map { $0.squareRoot() + epsilon }
        let alphas = (0..<S).map { dots[$0] / norms[$0] / Double(S) }
        let order = (0..<S).sorted { alphas[$0] < alphas[$1] || alphas[$0] == alphas[$1] && $0 < $1 }
        let sorted = order.map { alphas[$0] }
        if let m = state, m.count == S {
            state = zip(m, sorted).map { momentum * $0 + (1 - momentum) * $1 }
        } else {
            state = sorted
        }
        let m = state!
        let w = order.map { m[$0] }
        let total = w.reduce(0, +)
        return (0..<S).map { w[$0] / total / norms[$0] }
    }

    /// `factors` for whole slice gradients and their sum (one process).
    public static func weights(
        slices: [UnsafeBufferPointer<Float>], sum: UnsafeBufferPointer<Float>, momentum: Double, state: inout [Double]?
    ) -> [Double] {
        let partials = blockPartials(
            sum: sum.baseAddress!, count: sum.count, slices: slices.map { $0.baseAddress! }, block: block)
        return factors(blockPartials: partials, slices: slices.count, momentum: momentum, state: &state)
    }
}
