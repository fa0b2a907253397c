/// How a linear layer stores and applies its weight. `dense`: an fp32 matrix on OpenBLAS. (The AECCT's
/// ternary, quantisation-aware kind plugs in here: same parameters plus δ, its own kernel.)
public enum LinearKind: Sendable, Equatable {
    case dense
}

/// A fully connected layer y = x·Wᵀ + b (PyTorch layout) that owns the offsets of its parameters in a
/// `ParameterSet`: `<name>.weight` [out, in] (Xavier-uniform) and `<name>.bias` [out] (U(±1/√in)).
///
/// x: [rows, in], y: [rows, out]. `backward` accumulates dW and db and writes (or accumulates) dx.
public struct LinearLayer: Sendable {
    public let inFeatures: Int
    public let outFeatures: Int
    public let kind: LinearKind
    /// Offsets of the weight and (when present) the bias in the parameter buffer.
    public let weight: Int
    public let bias: Int?

    /// Registers the parameters (weight, then bias), drawing their initial values from `rng` in that order.
    public init<G: RandomNumberGenerator>(_ parameters: ParameterSet, name: String, inFeatures: Int, outFeatures: Int,
                                          bias: Bool = true, kind: LinearKind = .dense, using rng: inout G) {
        precondition(inFeatures >= 1 && outFeatures >= 1, "LinearLayer \(name): \(inFeatures) → \(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.kind = kind
        weight = parameters.add("\(name).weight", shape: [outFeatures, inFeatures],
                                initial: Initializer.xavierUniform(fanIn: inFeatures, fanOut: outFeatures,
                                                                   count: outFeatures * inFeatures, using: &rng))
        self.bias = bias ? parameters.add("\(name).bias", shape: [outFeatures],
                                          initial: Initializer.bias(fanIn: inFeatures, count: outFeatures, using: &rng)) : nil
    }

    // x: [rows, in] → y: [rows, out]
    @inline(__always)
    public func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, parameters p: UnsafePointer<Float>) {
        LinearKernel.forward(x: x, weight: p + weight, bias: bias.map { p + $0 }, y: y, rows: rows,
                             inFeatures: inFeatures, outFeatures: outFeatures)
    }

    // dy: [rows, out], x: [rows, in] → dx: [rows, in] (written, or added to with accumulateDx), dW, db accumulated
    @inline(__always)
    public func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?, rows: Int,
                         parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>,
                         accumulateDx: Bool = false) {
        LinearKernel.backward(dy: dy, x: x, weight: p + weight, dx: dx, dWeight: g + weight, dBias: bias.map { g + $0 },
                              rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, accumulateDx: accumulateDx)
    }
}
