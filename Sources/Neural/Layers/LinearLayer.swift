import Base

/// How a linear layer stores and applies its weight. `dense`: an fp32 matrix on OpenBLAS. `ternaryQAT`: the AECCT's
/// AAP quantisation-aware weight W_eff = clamp(round(W·s_w), −1, 1)/s_w with a learnable `<name>.delta` (from a
/// `TernaryWeights` store, straight-through gradients). `ternaryFrozen`: W_t ∈ {−1, 0, 1} with `<name>.s_w`, applied
/// to int8 activations by the integer kernel (additions and subtractions only).
public enum LinearKind: String, Sendable, Equatable {
    case dense
    case ternaryQAT
    case ternaryFrozen
}

/// A fully connected layer y = x·Wᵀ + b (PyTorch layout) that owns the offsets of its parameters in a
/// `ParameterSet`: `<name>.weight` [out, in] (Xavier-uniform) and `<name>.bias` [out] (U(±1/√in)); the ternary kinds
/// add `<name>.delta` (= 1, QAT) or `<name>.s_w` (frozen), [1] or [out] with the store's `rowScales`, registered after
/// the bias (the reference order).
///
/// x: [rows, in], y: [rows, out]. `backward` accumulates dW and db and writes (or accumulates) dx; for `ternaryQAT`
/// dW is ∂ℓ/∂W_eff until the store's `finishGradients`. `ternaryFrozen` has no float forward and no backward: it
/// runs `forwardInteger` on quantised activations.
public struct LinearLayer: Sendable {
    public let inFeatures: Int
    public let outFeatures: Int
    public let kind: LinearKind
    /// Offsets of the weight and (when present) the bias in the parameter buffer.
    public let weight: Int
    public let bias: Int?
    /// The ternary store and this matrix's slot in it (ternary kinds).
    public let ternary: TernaryWeights?
    let slot: Int

    /// Registers the parameters (weight, then bias, then δ or s_w), drawing their initial values from `rng` in that
    /// order. The ternary kinds need a store of the matching mode.
    public init<G: RandomNumberGenerator>(
        _ parameters: ParameterSet, name: String, inFeatures: Int, outFeatures: Int,
        bias: Bool = true, kind: LinearKind = .dense, ternary: TernaryWeights? = nil,
        using rng: inout G
    ) {
        precondition(inFeatures >= 1 && outFeatures >= 1, "LinearLayer \(name): \(inFeatures) → \(outFeatures)")
        precondition(
            kind == .dense || ternary?.mode == (kind == .ternaryQAT ? .qat : .frozen),
            "LinearLayer \(name): kind \(kind) needs a TernaryWeights store of that mode")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.kind = kind
        weight = parameters.add(
            "\(name).weight", shape: [outFeatures, inFeatures],
            initial: Initializer.xavierUniform(
                fanIn: inFeatures, fanOut: outFeatures,
                count: outFeatures * inFeatures, using: &rng))
        self.bias =
            bias
            ? parameters.add(
                "\(name).bias", shape: [outFeatures],
                initial: Initializer.bias(fanIn: inFeatures, count: outFeatures, using: &rng)) : nil
        switch kind {
        case .dense:
            self.ternary = nil; slot = -1
        case .ternaryQAT:
            let groups = ternary!.scaleGroups(rows: outFeatures)
            let delta = parameters.add("\(name).delta", shape: [groups], initial: .init(repeating: 1, count: groups))
            self.ternary = ternary
            slot = ternary!.register(
                name: name, weight: weight, delta: delta, scale: nil, rows: outFeatures, columns: inFeatures)
        case .ternaryFrozen:
            let groups = ternary!.scaleGroups(rows: outFeatures)
            let scale = parameters.add("\(name).s_w", shape: [groups], initial: .init(repeating: 1, count: groups))
            self.ternary = ternary
            slot = ternary!.register(
                name: name, weight: weight, delta: nil, scale: scale, rows: outFeatures, columns: inFeatures)
        }
    }

    @inline(__always) func matrix(_ p: UnsafePointer<Float>) -> UnsafePointer<Float> {
        kind == .ternaryQAT ? ternary!.effectiveWeights(slot) : p + weight
    }

    // x: [rows, in] → y: [rows, out]
    @inline(__always)
    public func forward(
        x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, parameters p: UnsafePointer<Float>
    ) {
        precondition(kind != .ternaryFrozen, "LinearLayer: a frozen ternary layer runs forwardInteger")
        LinearKernel.forward(
            x: x, weight: matrix(p), bias: bias.map { p + $0 }, y: y, rows: rows,
            inFeatures: inFeatures, outFeatures: outFeatures)
    }

    /// Frozen ternary: y = (Q·W_tᵀ) / (s_x·s_w) + b from Q [rows, in] (Int8) and its scales s_x ([1] or [rows]); s_w
    /// one per matrix or one per output.
    /// `sums`: [rows, out] Int32 scratch (the AVX2 kernel's sums; unused by the VNNI kernel, which rescales in registers).
    public func forwardInteger(
        q: UnsafePointer<Int8>, scales: UnsafePointer<Float>, perRow: Bool,
        y: UnsafeMutablePointer<Float>, sums: UnsafeMutablePointer<Int32>, rows: Int,
        parameters p: UnsafePointer<Float>, kernels: KernelPath = .best
    ) {
        precondition(kind == .ternaryFrozen, "LinearLayer.forwardInteger on a \(kind) layer")
        let store = ternary!, (sw, swRows) = store.weightScales(slot)
        if TernaryMatrix.rescalesInKernel(kernels) {
            store.packed[slot].multiplyRescaled(
                q, batch: rows, scales: scales, perRow: perRow, weightScale: sw, weightScales: swRows,
                bias: bias.map { p + $0 }, into: y, sums: sums, kernels: kernels)
            return
        }
        store.packed[slot].multiply(q, batch: rows, into: sums, kernels: kernels)
        for r in 0..<rows {
            let sx = scales[perRow ? r : 0], row = y + r * outFeatures, acc = sums + r * outFeatures
            for o in 0..<outFeatures {
                let v = Float(acc[o]) / (sx * (swRows?[o] ?? sw))
                row[o] = bias.map { v + p[$0 + o] } ?? v
            }
        }
    }

    /// Frozen ternary, fused for the feed-forward's first layer where the kernel rescales in registers
    /// (`TernaryMatrix.rescalesInKernel`): y = max(0, (Q·W_tᵀ) / (s_x·s_w) + b), and each row of y quantised for the
    /// next layer into `next` (token scope) — the bytes and scales of `forwardInteger`, ReLU and the quantiser in turn.
    public func forwardIntegerReLUQuantized(
        q: UnsafePointer<Int8>, scales: UnsafePointer<Float>, perRow: Bool, y: UnsafeMutablePointer<Float>,
        sums: UnsafeMutablePointer<Int32>, rows: Int, next: ActivationQuantizer.Workspace,
        parameters p: UnsafePointer<Float>, kernels: KernelPath = .best
    ) {
        precondition(kind == .ternaryFrozen, "LinearLayer.forwardIntegerReLUQuantized on a \(kind) layer")
        let store = ternary!, (sw, swRows) = store.weightScales(slot)
        store.packed[slot].multiplyRescaled(
            q, batch: rows, scales: scales, perRow: perRow, weightScale: sw, weightScales: swRows,
            bias: bias.map { p + $0 }, into: y, sums: sums, relu: true, quantized: (next.integers, next.scales),
            kernels: kernels)
    }

    // dy: [rows, out], x: [rows, in] → dx: [rows, in] (written, or added to with accumulateDx), dW, db accumulated
    @inline(__always)
    public func backward(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?, rows: Int,
        parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>,
        accumulateDx: Bool = false
    ) {
        precondition(kind != .ternaryFrozen, "LinearLayer: a frozen ternary layer has no backward")
        LinearKernel.backward(
            dy: dy, x: x, weight: matrix(p), dx: dx, dWeight: g + weight, dBias: bias.map { g + $0 },
            rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, accumulateDx: accumulateDx)
    }
}
