import Foundation

/// Binary cross-entropy on logits, mean over the elements (PyTorch's BCEWithLogitsLoss), numerically stable:
/// ℓ(z, t) = max(z, 0) − z·t + log(1 + e^{−|z|}); ∂ℓ/∂z = (σ(z) − t) / count.
/// z, t: [count]; targets in [0, 1].
public enum BCEWithLogits {
    public static func forward(logits z: UnsafePointer<Float>, targets t: UnsafePointer<Float>, count: Int) -> Float {
        var s: Double = 0
        for i in 0..<count {
            let v = z[i]
            s += Double(max(v, 0) - v * t[i] + log1pf(expf(-abs(v))))
        }
        return Float(s / Double(count))
    }

    /// dz += scale · (σ(z) − t) / count (scale = the upstream gradient of the loss, usually 1).
    public static func backward(
        logits z: UnsafePointer<Float>, targets t: UnsafePointer<Float>,
        dz: UnsafeMutablePointer<Float>, count: Int, scale: Float = 1
    ) {
        let k = scale / Float(count)
        for i in 0..<count { dz[i] += k * (Elementwise.sigmoid(z[i]) - t[i]) }
    }

    /// The share of `count` entries in a loss that is the mean over `total` entries: returns their part of the
    /// loss and writes dz = ∂(mean over total)/∂z for them.
    public static func share(
        logits z: UnsafePointer<Float>, targets t: UnsafePointer<Float>, dz: UnsafeMutablePointer<Float>,
        count: Int, total: Int
    ) -> Double {
        dz.initialize(repeating: 0, count: count)
        let loss = forward(logits: z, targets: t, count: count)
        backward(logits: z, targets: t, dz: dz, count: count, scale: Float(count) / Float(total))
        return Double(loss) * Double(count) / Double(total)
    }
}
