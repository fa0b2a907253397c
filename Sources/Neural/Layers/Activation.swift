import Base

/// The nonlinearity of a feed-forward block: exact (erf) GELU as in the ECCT, or ReLU as in the AECCT.
public enum Activation: String, Sendable, Equatable, CaseIterable {
    case gelu
    case relu

    // x, y: [count]
    @inline(__always)
    public func forward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
        kernels: KernelPath = .best
    ) {
        switch self {
        case .gelu: Elementwise.geluForward(x, y, count: count, kernels: kernels)
        case .relu: Elementwise.reluForward(x, y, count: count)
        }
    }

    /// dx = dy ⊙ f′(x) (written, or added with `accumulate`).
    @inline(__always)
    public func backward(
        _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int,
        accumulate: Bool = false, kernels: KernelPath = .best
    ) {
        switch self {
        case .gelu: Elementwise.geluBackward(x, dy, dx, count: count, accumulate: accumulate, kernels: kernels)
        case .relu:
            if !accumulate { dx.initialize(repeating: 0, count: count) }
            Elementwise.reluBackward(x, dy, dx, count: count)
        }
    }
}
