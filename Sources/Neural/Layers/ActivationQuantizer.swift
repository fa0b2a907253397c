import Base
import CKernels

/// The INT8 quantisation step at the input of the AECCT's quantised linear layers (docs/DESIGN.md §6), with its
/// straight-through backward. Groups: the whole slice (`tensor`, the reference's batch-wide abs-max) or each row
/// (`token`).
///
///   M = max|x| over the group,  s = 127 / (M + 1e-6),  Q = clamp(round(x·s), −128, 127),  x̃ = Q / s
///
/// Backward (the reference's autograd through `round` with a straight-through estimator and through the max):
/// ∂ℓ/∂x = pass·g + [x = argmax]·sign(x)·(−s²/127)·Σ g·(pass·x − x̃)/s, with g = ∂ℓ/∂x̃ and pass where the clamp
/// lets the gradient through (`ClampGradient`: with `strict`, the fixture's rule, not where Q = 127, which the
/// group's positive maximum reaches). Ties of the max give the whole share to the first entry.
///
/// x, x̃: [rows, width]. `integer` mode writes Q as Int8 for the integer kernel instead of x̃. Scope `none` passes x
/// through (x̃ = x, ∂ℓ/∂x = g) and has no integer mode.
public struct ActivationQuantizer: Sendable {
    public let scope: ActivationQuantization.Scope
    public let width: Int
    public let clampGradient: ClampGradient

    public init(scope: ActivationQuantization.Scope, width: Int, clampGradient: ClampGradient = .strict) {
        self.scope = scope
        self.width = width
        self.clampGradient = clampGradient
    }

    /// Buffers of one slice: x̃ or Q, and per group the scale and the position of the max.
    public struct Workspace: @unchecked Sendable {
        let owner: Arena
        public let dequantized: UnsafeMutablePointer<Float>
        public let integers: UnsafeMutablePointer<Int8>
        public let scales: UnsafeMutablePointer<Float>
        let argmax: UnsafeMutablePointer<Int>
        /// Integer sums [rows, outputs] of the linears that read Q (frozen inference).
        public let sums: UnsafeMutablePointer<Int32>
        /// `outputs`: the widest output of the linears that read this input.
        public init(rows R: Int, width w: Int, outputs: Int, arena: Arena) {
            owner = arena
            sums = arena.takeRaw(R * outputs, of: Int32.self)
            dequantized = arena.take(R * w)
            integers = arena.takeRaw(R * w, of: Int8.self)
            scales = arena.take(R)
            argmax = arena.takeRaw(R, of: Int.self)
        }
    }

    @inline(__always) func groups(rows R: Int) -> (count: Int, size: Int) {
        scope == .tensor ? (1, R * width) : (R, width)
    }

    /// Scales (and argmax) of each group of x [rows, width] into the workspace; returns the group count.
    @discardableResult
    func measure(_ x: UnsafePointer<Float>, rows R: Int, workspace ws: Workspace) -> Int {
        let (G, size) = groups(rows: R)
        for gr in 0..<G {
            let base = gr * size
            var mx: Float = -1, at = base
            for i in base..<(base + size) { let a = abs(x[i]); if a > mx { mx = a; at = i } }
            ws.scales[gr] = 127 / (mx + ActivationQuantization.epsilon)
            ws.argmax[gr] = at
        }
        return G
    }

    /// x̃ = Q / s into `ws.dequantized` (quantisation-aware training).
    public func forward(_ x: UnsafePointer<Float>, rows R: Int, workspace ws: Workspace) {
        if scope == .none { return ws.dequantized.update(from: x, count: R * width) }
        let G = measure(x, rows: R, workspace: ws), size = groups(rows: R).size
        for gr in 0..<G {
            let s = ws.scales[gr]
            for i in (gr * size)..<((gr + 1) * size) {
                ws.dequantized[i] = min(127, max(-128, (x[i] * s).rounded(.toNearestOrEven))) / s
            }
        }
    }

    /// Q as Int8 into `ws.integers` with the scales (frozen inference). The AVX2 path (`nk_quantize_int8`, and on
    /// AVX-512 VNNI `nk_quantize_int8_rows512` for token scales) does the same float operations as these loops, so
    /// every path gives the same bytes and scales.
    public func forwardInteger(
        _ x: UnsafePointer<Float>, rows R: Int, workspace ws: Workspace, kernels: KernelPath = .best
    ) {
        precondition(scope != .none, "ActivationQuantizer: integer activations need a scope of scales, not none")
        let (G, size) = groups(rows: R)
        if scope == .token, TernaryMatrix.usesVNNI(kernels) {
            nk_quantize_int8_rows512(x, ws.integers, ws.scales, R, size)
            return
        }
        if kernels.runnable.usesAVX2 {
            nk_quantize_int8(x, ws.integers, ws.scales, G, size)
            return
        }
        measure(x, rows: R, workspace: ws)
        for gr in 0..<G {
            let s = ws.scales[gr]
            for i in (gr * size)..<((gr + 1) * size) {
                ws.integers[i] = Int8(min(127, max(-128, (x[i] * s).rounded(.toNearestOrEven))))
            }
        }
    }

    /// The C row quantiser of `forwardInteger` on `kernels` (the same bytes and scales, one row per call), which the
    /// kernels producing this quantiser's input call on each row they finish; nil for tensor scales (a group spans
    /// the slice) and on the portable and reference paths.
    public func rowKernel(_ kernels: KernelPath = .best) -> nk_row_quantizer? {
        guard scope == .token, kernels.runnable.usesAVX2 else { return nil }
        return TernaryMatrix.usesVNNI(kernels) ? nk_quantize_int8_rows512 : nk_quantize_int8
    }

    /// dx from g = ∂ℓ/∂x̃ (after `forward` on the same x): written, or added with `accumulate`. dx may be g itself
    /// when writing.
    public func backward(
        _ g: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows R: Int,
        workspace ws: Workspace, accumulate: Bool = false
    ) {
        if scope == .none {
            if accumulate {
                for i in 0..<(R * width) { dx[i] += g[i] }
            } else if UnsafePointer(dx) != g {
                dx.update(from: g, count: R * width)
            }
            return
        }
        let (G, size) = groups(rows: R)
        for gr in 0..<G {
            let s = ws.scales[gr], base = gr * size
            var dS: Double = 0
            for i in base..<(base + size) {
                // g[i] is read before dx[i] is written, so dx may be g
                let pass = clampGradient.passes((ws.dequantized[i] * s).rounded(), low: -128, high: 127), gi = g[i]
                dS += Double(gi) * Double((pass ? x[i] : 0) - ws.dequantized[i])
                if accumulate { dx[i] += pass ? gi : 0 } else { dx[i] = pass ? gi : 0 }
            }
            let dMax = Float(dS) / s * (-s * s / 127)
            let at = ws.argmax[gr], xm = x[at]
            dx[at] += dMax * (xm > 0 ? 1 : (xm < 0 ? -1 : 0))
        }
    }
}

/// How the linears of a block are quantised (AECCT, docs/DESIGN.md §6): the store of their ternary weights (its mode says
/// QAT or frozen) and the scope of the INT8 activation scales.
public struct LinearQuantization: Sendable {
    public let weights: TernaryWeights
    public let scope: ActivationQuantization.Scope
    public var clampGradient: ClampGradient { weights.clampGradient }
    public init(weights: TernaryWeights, scope: ActivationQuantization.Scope) {
        self.weights = weights
        self.scope = scope
    }
    public var kind: LinearKind { weights.mode == .qat ? .ternaryQAT : .ternaryFrozen }
}

extension ActivationQuantizer {
    /// y_j = layer_j(x) for linears that read the same x [rows, width], quantised once: x̃ through the float kernel
    /// (QAT) or Q through the integer kernel (frozen), as the layers' kind says.
    public func project(
        _ x: UnsafePointer<Float>, rows R: Int, workspace ws: Workspace,
        layers: [(LinearLayer, UnsafeMutablePointer<Float>)], parameters p: UnsafePointer<Float>,
        kernels: KernelPath = .best
    ) {
        if layers[0].0.kind == .ternaryFrozen {
            forwardInteger(x, rows: R, workspace: ws, kernels: kernels)
            projectQuantized(rows: R, workspace: ws, layers: layers, parameters: p, kernels: kernels)
        } else {
            forward(x, rows: R, workspace: ws)
            for (layer, y) in layers { layer.forward(x: ws.dequantized, y: y, rows: R, parameters: p) }
        }
    }

    /// y_j = layer_j(Q) for frozen linears whose input Q and scales are already in `ws` (written by the step that
    /// produced the activations: `forwardInteger`, or a kernel calling `rowKernel` on each finished row).
    public func projectQuantized(
        rows R: Int, workspace ws: Workspace, layers: [(LinearLayer, UnsafeMutablePointer<Float>)],
        parameters p: UnsafePointer<Float>, kernels: KernelPath = .best
    ) {
        for (layer, y) in layers {
            layer.forwardInteger(
                q: ws.integers, scales: ws.scales, perRow: scope == .token, y: y, sums: ws.sums, rows: R,
                parameters: p, kernels: kernels)
        }
    }
}
