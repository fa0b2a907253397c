/// The quantisation state of a network's ternary linear layers (AECCT's AAP, Levy, Choukroun & Wolf,
/// arXiv 2410.05911; docs/DESIGN.md §6). One store per network; each `LinearLayer` of a ternary kind owns a slot.
///
/// `qat` (quantisation-aware training): `prepare` computes, once per step, for each matrix W [out, in] with its δ
///
///   γ = quantile_0.45(|W|),   s_w = 1 / (γ·δ + 1e-6),   W_eff = clamp(round(W·s_w), −1, 1) / s_w
///
/// and the layers multiply by W_eff. Their backward accumulates G = ∂ℓ/∂W_eff into the weight's gradient slot;
/// `finishGradients` (once, after the workers' gradients are summed: the map is linear in G) turns it into the
/// straight-through gradients of the reference: ∂ℓ/∂W = G where the clamp passes (`clampGradient`: strictly
/// inside, i.e. round(W·s_w) = 0, as the fixture; or |round(W·s_w)| ≤ 1), plus the path through s_w: ∂ℓ/∂s = Σ G·(pass·W − W_eff)/s, ∂ℓ/∂δ = −γ·s²·∂ℓ/∂s, ∂ℓ/∂γ = −δ·s²·∂ℓ/∂s,
/// and γ's share goes to the two order statistics it interpolates (weights 1 − t and t, times sign W).
///
/// `frozen`: the weight slot holds W_t ∈ {−1, 0, 1} and `<name>.s_w` its scale; `prepare` packs W_t into bit planes
/// for the integer kernel (`TernaryMatrix`). `validate` says which entry is not ternary.
///
/// `rowScales` (an extension of the paper's per-matrix scale): every row of W — one output — has its own γ, δ and
/// s_w (`<name>.delta` and `<name>.s_w` of shape [out]), the formulas above applied to each row as a matrix of one
/// row. The integer kernel's rescale already divides each output by its own s_x·s_w, so inference costs the same.
public final class TernaryWeights: @unchecked Sendable {
    public enum Mode: String, Sendable, CaseIterable { case qat, frozen }
    public let mode: Mode
    public let percentile: Float
    public let clampGradient: ClampGradient
    /// One scale per row (output) instead of one per matrix.
    public let rowScales: Bool

    public struct Slot: Sendable {
        public let name: String
        /// Parameter offsets: the matrix, δ (qat) or s_w (frozen).
        public let weight: Int
        public let delta: Int?
        public let scale: Int?
        public let rows: Int
        public let columns: Int
        /// Offset of this matrix in the effective-weight buffer.
        let offset: Int
        /// Its first entry in `scales`; its scale groups (1, or one per row) and their size.
        public let firstScale: Int
        public let groups: Int
        public var count: Int { rows * columns }
        public var groupSize: Int { count / groups }
    }
    public private(set) var slots: [Slot] = []
    private var total = 0
    private var effective: UnsafeMutablePointer<Float>?
    private var pairs: UnsafeMutablePointer<(Float, Int32)>?
    /// After `prepare`: per slot and group (`Slot.firstScale`) s_w; qat: γ, δ, the quantile's entries (in the group)
    /// and interpolation weight.
    public private(set) var scales: [Float] = []
    private var scaleCount = 0
    /// The frozen scales (`scales`) in stable storage, for the kernels' per-row rescale.
    private var frozenScales: UnsafeMutablePointer<Float>?
    private var state: [(gamma: Float, delta: Float, lower: Int, upper: Int, t: Float)] = []
    /// After `prepare` (frozen): the packed matrices.
    public private(set) var packed: [TernaryMatrix] = []

    public init(mode: Mode, percentile: Float = 0.45, clampGradient: ClampGradient = .strict, rowScales: Bool = false) {
        precondition((0...1).contains(percentile), "TernaryWeights: percentile \(percentile)")
        self.mode = mode
        self.percentile = percentile
        self.clampGradient = clampGradient
        self.rowScales = rowScales
    }

    /// Scale groups of a matrix with `rows` rows: the length of its δ or s_w.
    public func scaleGroups(rows: Int) -> Int { rowScales ? rows : 1 }

    deinit { effective?.deallocate(); pairs?.deallocate(); frozenScales?.deallocate() }

    /// A frozen slot's s_w: one for the matrix (`rows` nil), or one per row (`rows` [out]; `scalar` then unused).
    public func weightScales(_ slot: Int) -> (scalar: Float, rows: UnsafePointer<Float>?) {
        let s = slots[slot]
        return s.groups == 1 ? (scales[s.firstScale], nil) : (1, UnsafePointer(frozenScales! + s.firstScale))
    }

    /// Registers a matrix; returns its slot. Only before the first `prepare`.
    func register(name: String, weight: Int, delta: Int?, scale: Int?, rows: Int, columns: Int) -> Int {
        precondition(effective == nil && packed.isEmpty, "TernaryWeights: register after prepare")
        let groups = scaleGroups(rows: rows)
        slots.append(
            Slot(
                name: name, weight: weight, delta: delta, scale: scale, rows: rows, columns: columns, offset: total,
                firstScale: scaleCount, groups: groups))
        total += rows * columns
        scaleCount += groups
        return slots.count - 1
    }

    /// W_eff of a slot [rows, columns] (qat, after `prepare`).
    @inline(__always) func effectiveWeights(_ slot: Int) -> UnsafePointer<Float> {
        UnsafePointer(effective! + slots[slot].offset)
    }

    /// Throws when a frozen matrix holds a value other than −1, 0, 1, or a scale is not positive and finite.
    public func validate(parameters p: [Float], source: String) throws {
        guard mode == .frozen else {
            // qat: δ scales the quantile γ; δ ≤ 0 (or not finite) makes s_w infinite, as `quantize` refuses
            for s in slots {
                guard let d = s.delta else { continue }
                for g in 0..<s.groups where !(p[d + g].isFinite && p[d + g] > 0) {
                    throw CheckpointError(
                        "\(source): '\(s.name).delta'\(s.groups > 1 ? " entry \(g)" : "") is \(p[d + g]); δ is positive"
                    )
                }
            }
            return
        }
        for s in slots {
            for i in 0..<s.count where ![-1, 0, 1].contains(p[s.weight + i]) {
                throw CheckpointError(
                    "\(source): '\(s.name).weight' entry \(i) (row \(i / s.columns), column \(i % s.columns)) is "
                        + "\(p[s.weight + i]); a frozen ternary matrix holds only −1, 0 and 1")
            }
            for g in 0..<s.groups {
                let sw = p[s.scale! + g]
                guard sw.isFinite && sw > 0 else {
                    throw CheckpointError(
                        "\(source): '\(s.name).s_w'\(s.groups > 1 ? " entry \(g)" : "") is \(sw); it must be positive")
                }
            }
        }
    }

    /// Recomputes the quantised weights from the parameters (qat), or packs the frozen matrices (frozen).
    public func prepare(parameters p: UnsafePointer<Float>) {
        switch mode {
        case .frozen:
            packed = slots.map { s in
                TernaryMatrix(
                    ternary: UnsafeBufferPointer(start: p + s.weight, count: s.count), rows: s.rows, columns: s.columns)
            }
            scales = slots.flatMap { s in (0..<s.groups).map { p[s.scale! + $0] } }
            if frozenScales == nil { frozenScales = .allocate(capacity: max(1, scaleCount)) }
            frozenScales!.update(from: scales, count: scales.count)
        case .qat:
            if effective == nil {
                effective = .allocate(capacity: max(1, total))
                pairs = .allocate(capacity: max(1, slots.map(\.count).max() ?? 1))
            }
            scales = []; state = []
            for s in slots {
                for g in 0..<s.groups {
                    let w = p + s.weight + g * s.groupSize, e = effective! + s.offset + g * s.groupSize
                    let (gamma, lower, upper, t) = TernaryQuantization.selectQuantile(
                        w, count: s.groupSize, q: percentile, scratch: pairs!)
                    let delta = p[s.delta! + g]
                    let sw = TernaryQuantization.scale(gamma: gamma, delta: delta)
                    for i in 0..<s.groupSize { e[i] = TernaryQuantization.ternary(w[i], scale: sw) / sw }
                    scales.append(sw)
                    state.append((gamma, delta, lower, upper, t))
                }
            }
        }
    }

    /// Turns the accumulated ∂ℓ/∂W_eff in each matrix's gradient slot into ∂ℓ/∂W and adds ∂ℓ/∂δ (qat; after
    /// `prepare` with the same parameters). No-op when frozen.
    public func finishGradients(parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
        guard mode == .qat else { return }
        precondition(state.count == scaleCount, "TernaryWeights.finishGradients before prepare")
        for s in slots {
            for group in 0..<s.groups {
                finishGradients(s, group: group, parameters: p, gradients: g)
            }
        }
    }

    /// One scale group's share of `finishGradients`.
    private func finishGradients(
        _ s: Slot, group: Int, parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>
    ) {
        let k = s.firstScale + group, start = group * s.groupSize
        let w = p + s.weight + start, gw = g + s.weight + start, e = effective! + s.offset + start
        let sw = scales[k], st = state[k]
        var dS: Double = 0
        for i in 0..<s.groupSize {
            let pass = clampGradient.passes(TernaryQuantization.rounded(w[i], scale: sw), low: -1, high: 1)
            dS += Double(gw[i]) * Double((pass ? w[i] : 0) - e[i])
            gw[i] = pass ? gw[i] : 0
        }
        let dScale = Float(dS) / sw
        let dGamma = -st.delta * sw * sw * dScale
        g[s.delta! + group] += -st.gamma * sw * sw * dScale
        func sign(_ x: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) }
        gw[st.lower] += dGamma * (1 - st.t) * sign(w[st.lower])
        gw[st.upper] += dGamma * st.t * sign(w[st.upper])
    }

    /// Bytes of the quantised matrices as fp32 and packed (two bit planes, rows padded to 8 columns, and s_w).
    public var bytes: (fp32: Int, packed: Int) {
        (
            slots.reduce(0) { $0 + 4 * $1.count },
            slots.reduce(0) { $0 + TernaryMatrix.packedBytes(rows: $1.rows, columns: $1.columns) + 4 * $1.groups }
        )
    }
}
