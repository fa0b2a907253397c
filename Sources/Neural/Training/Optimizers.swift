import Foundation

/// An optimiser updating parameters in place from their gradients.
public protocol Optimizer {
    var learningRate: Float { get set }
    mutating func step(parameters: inout [Float], gradients: [Float])
}

/// Adam (Kingma & Ba 2015) with PyTorch's semantics: bias-corrected moments,
/// θ ← θ − lr · m̂ / (√v̂ + ε); optional L2 weight decay added to the gradient (torch.optim.Adam).
public struct Adam: Optimizer {
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var weightDecay: Float = 0
    /// AdamW (Loshchilov & Hutter 2019, torch.optim.AdamW): the decay multiplies θ by (1 − lr·λ) before the Adam
    /// update instead of entering the gradient.
    public var decoupledWeightDecay = false
    /// Optimiser state, saved in checkpoints: step count and the two moments.
    public var step = 0
    public var m: [Float] = []
    public var v: [Float] = []

    public init(learningRate: Float = 1e-3) { self.learningRate = learningRate }

    public mutating func step(parameters p: inout [Float], gradients g: [Float]) {
        step(parameters: &p, gradients: g, ranges: [0..<p.count])
    }

    /// One step that updates only the parameters in `ranges` (the trainable groups); the moments of the others
    /// stay as they are. The step count advances once.
    public mutating func step(parameters p: inout [Float], gradients g: [Float], ranges: [Range<Int>]) {
        if m.count != p.count { m = [Float](repeating: 0, count: p.count); v = m }
        step += 1
        let c1 = 1 - powf(beta1, Float(step)), c2 = 1 - powf(beta2, Float(step))
        let lr = learningRate, b1 = beta1, b2 = beta2, eps = epsilon
        let wd = decoupledWeightDecay ? 0 : weightDecay, shrink = decoupledWeightDecay ? 1 - lr * weightDecay : 1
        for range in ranges {
            for i in range {
                if decoupledWeightDecay { p[i] *= shrink }
                let grad = g[i] + wd * p[i]
                m[i] = b1 * m[i] + (1 - b1) * grad
                v[i] = b2 * v[i] + (1 - b2) * grad * grad
                p[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
            }
        }
    }
}

/// SGD with momentum, PyTorch's form (no dampening): b ← μb + g (b = g at the first step), θ ← θ − lr·b.
public struct SGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    public var buffer: [Float] = []

    public init(learningRate: Float, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public mutating func step(parameters p: inout [Float], gradients g: [Float]) {
        if momentum == 0 {
            for i in 0..<p.count { p[i] -= learningRate * g[i] }
            return
        }
        let first = buffer.count != p.count
        if first { buffer = g }
        for i in 0..<p.count {
            if !first { buffer[i] = momentum * buffer[i] + g[i] }
            p[i] -= learningRate * buffer[i]
        }
    }
}

/// PyTorch's CosineAnnealingLR (closed form): lr(t) = η_min + (η_0 − η_min)(1 + cos(π t / T_max)) / 2,
/// with t the number of scheduler steps (epochs) taken.
public struct CosineAnnealingLR: Sendable {
    public let baseLearningRate: Float
    public let minimumLearningRate: Float
    public let period: Int

    public init(baseLearningRate: Float, period: Int, minimumLearningRate: Float = 0) {
        precondition(period > 0, "CosineAnnealingLR: period must be positive")
        self.baseLearningRate = baseLearningRate
        self.minimumLearningRate = minimumLearningRate
        self.period = period
    }

    public func learningRate(afterSteps t: Int) -> Float {
        let c = (1 + cos(Double.pi * Double(t) / Double(period))) / 2
        return minimumLearningRate + (baseLearningRate - minimumLearningRate) * Float(c)
    }
}

public enum GradientClipping {
    /// Scales g in place so its global L2 norm is at most maxNorm (torch.nn.utils.clip_grad_norm_,
    /// factor maxNorm / (norm + 1e-6)); returns the norm before clipping.
    @discardableResult
    public static func clipNorm(_ g: inout [Float], maxNorm: Float) -> Float {
        clipNorm(&g, ranges: [0..<g.count], maxNorm: maxNorm)
    }

    /// The same over the entries in `ranges` only (one parameter group).
    @discardableResult
    public static func clipNorm(_ g: inout [Float], ranges: [Range<Int>], maxNorm: Float) -> Float {
        var s: Double = 0
        for r in ranges { for i in r { s += Double(g[i]) * Double(g[i]) } }
        let norm = Float(s.squareRoot())
        let factor = maxNorm / (norm + 1e-6)
        if factor < 1 { for r in ranges { for i in r { g[i] *= factor } } }
        return norm
    }
}
