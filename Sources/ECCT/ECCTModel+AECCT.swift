import Base
import Codes
import Neural

/// The model family of an `ECCTModel`: the ECCT, or the AECCT at one precision.
public enum ECCTArchitecture: Sendable, Equatable, CustomStringConvertible {
    case ecct
    case aecct(AECCTPrecision, ActivationQuantization.Scope)

    public var description: String {
        switch self {
        case .ecct: return "ecct"
        case .aecct(let precision, let scope):
            let activations = scope == .none ? "float activations" : "\(scope.rawValue) scales"
            return precision == .fp ? "aecct (fp32)" : "aecct (\(precision.rawValue), \(activations))"
        }
    }
    public var isAECCT: Bool { if case .aecct = self { return true } else { return false } }
}

/// AECCT precisions: `fp` (phase 1, fp32 linears), `qat` (phase 2: AAP ternary weights and INT8 activations with
/// straight-through gradients), `frozen` (W_t ∈ {−1, 0, 1} and s_w; the integer kernel).
public enum AECCTPrecision: String, Sendable, CaseIterable { case fp, qat, frozen }

/// The accelerated ECCT (Levy, Choukroun & Wolf, arXiv 2410.05911; reference mlaetvayn/AECCT; docs/DESIGN.md §6) as a
/// configuration of the ECCT's blocks: post-LN blocks with ReLU, HPSA (the first half of the heads bit↔check, the
/// other half bit↔bit and check↔itself), the d − 8 embedding beside the 8-channel spectral encoding, and at `qat` /
/// `frozen` ternary Q, K, V, out, W₁, W₂ with INT8 activations (`scope`: `token` rows, or the reference's `tensor`).
extension ECCTModel {
    /// A freshly initialised AECCT. `spectralTable` [L, L, 2] (a reference model's `lpe`) or computed from the code's
    /// Tanner graph by LAPACK. Throws on impossible sizes.
    public static func aecct(
        code: LinearCode, layers: Int, width: Int, heads: Int = 8, precision: AECCTPrecision = .fp,
        scope: ActivationQuantization.Scope = .token, attentionDropout: Float = 0.1, seed: UInt64 = 0,
        spectralTable: [Float]? = nil, clampGradient: ClampGradient = .strict, rowScales: Bool = false
    ) throws -> ECCTModel {
        guard width > ECCTNetwork.spectralChannels else {
            throw SettingsError(
                "AECCT: width d = \(width) must exceed the \(ECCTNetwork.spectralChannels) spectral channels")
        }
        if precision == .frozen && scope == .none {
            throw SettingsError(
                "AECCT: a frozen model runs its linears on INT8 activations; activation scale 'none' is for fp and qat")
        }
        guard heads >= 2, heads % 2 == 0 else {
            throw SettingsError("AECCT: \(heads) heads; HPSA splits an even count in two rings")
        }
        var config = try encoderConfig(
            code: code, layers: layers, width: width, heads: heads,
            attentionDropout: attentionDropout, clonedInitialBiases: true)
        config.placement = .post
        config.activation = .relu
        config.headMask = try HPSAMask.headMask(
            pattern: config.pattern, bits: code.n, heads: heads, firstRingHeads: heads / 2)
        switch precision {
        case .fp: break
        case .qat:
            config.quantization = LinearQuantization(
                weights: TernaryWeights(mode: .qat, clampGradient: clampGradient, rowScales: rowScales), scope: scope)
        case .frozen:
            config.quantization = LinearQuantization(
                weights: TernaryWeights(mode: .frozen, rowScales: rowScales), scope: scope)
        }
        let L = code.n + code.m
        let table = try spectralTable ?? SpectralPositionalEncoding.table(code: code)
        guard table.count == L * L * 2 else {
            throw SettingsError(
                "AECCT for \(code.name): a spectral table of \(table.count) values, expected [\(L), \(L), 2]")
        }
        var rng = SplitMixRNG(seed: seed)
        let network = ECCTNetwork(code: code, config: config, spectralTable: table, using: &rng)
        if let store = config.quantization?.weights, store.mode == .frozen {
            // a fresh frozen model holds zero ternary matrices until weights are loaded
            for slot in store.slots { for i in 0..<slot.count { network.parameters.values[slot.weight + i] = 0 } }
        }
        return ECCTModel(code: code, network: network, architecture: .aecct(precision, scope))
    }

    /// Whether a QAT or frozen file's ternary matrices have one scale per row: a `.delta` or `.s_w` of more than one
    /// entry.
    public static func hasRowScales(_ tensors: [String: SafeTensors.Tensor]) -> Bool {
        tensors.contains { ($0.key.hasSuffix(".delta") || $0.key.hasSuffix(".s_w")) && $0.value.values.count > 1 }
    }

    /// The precision a weights file holds: `s_w` tensors → frozen, `delta` → qat, else fp; nil without an `lpe` table
    /// (an ECCT file).
    public static func aecctPrecision(of tensors: [String: SafeTensors.Tensor]) -> AECCTPrecision? {
        guard tensors[ECCTNames.spectralTable] != nil else { return nil }
        if tensors.keys.contains(where: { $0.hasSuffix(".s_w") }) { return .frozen }
        if tensors.keys.contains(where: { $0.hasSuffix(".delta") }) { return .qat }
        return .fp
    }

    /// An AECCT sized from reference-named weights (d from `src_embed` + 8, N from the layer names) with their `lpe`
    /// table, loaded at `precision` (default: what the file holds). `fp` ignores δ; `frozen` ignores δ and checks
    /// that every quantised matrix is ternary. Throws naming the tensor that is missing or does not fit.
    public static func loadAECCT(
        code: LinearCode, tensors: [String: SafeTensors.Tensor], source: String,
        precision: AECCTPrecision? = nil, scope: ActivationQuantization.Scope = .token,
        layers: Int? = nil, width: Int? = nil, attentionDropout: Float = 0.1, clampGradient: ClampGradient = .strict
    ) throws -> ECCTModel {
        guard let table = tensors[ECCTNames.spectralTable] else {
            throw CheckpointError(
                "\(source): no tensor '\(ECCTNames.spectralTable)' (the AECCT's Laplacian table); is it an ECCT file?")
        }
        let L = code.n + code.m
        guard table.shape == [L, L, 2] else {
            throw CheckpointError(
                "\(source): '\(ECCTNames.spectralTable)' has shape \(table.shape), expected [\(L), \(L), 2] for \(code.name)"
            )
        }
        if let bad = table.values.firstIndex(where: { !$0.isFinite }) {
            throw CheckpointError("\(source): '\(ECCTNames.spectralTable)' value \(bad) is \(table.values[bad])")
        }
        let held = aecctPrecision(of: tensors)!
        let precision = precision ?? held
        let (fileLayers, embeddingWidth) = try size(of: tensors, code: code, source: source)
        let fileWidth = embeddingWidth + ECCTNetwork.spectralChannels
        if let layers, layers != fileLayers {
            throw CheckpointError("\(source): the weights have N = \(fileLayers) layers, --layers says \(layers)")
        }
        if let width, width != fileWidth {
            throw CheckpointError("\(source): the weights have d = \(fileWidth), --dim says \(width)")
        }
        if precision == .frozen && held != .frozen {
            throw CheckpointError(
                "\(source): no '.s_w' tensors: the file is not frozen (run `eccbench quantize` on a QAT model)")
        }
        if precision == .qat && held == .frozen {
            throw CheckpointError(
                "\(source): a frozen model (its matrices are ternary) cannot run as qat; use --mode frozen")
        }
        let model = try aecct(
            code: code, layers: fileLayers, width: fileWidth, precision: precision, scope: scope,
            attentionDropout: attentionDropout, spectralTable: table.values, clampGradient: clampGradient,
            rowScales: precision != .fp && hasRowScales(tensors))
        let ignored: (String) -> Bool = { name in
            name.hasPrefix("optimizer.") || name == ECCTNames.spectralTable
                || (precision != .qat && name.hasSuffix(".delta")) || (precision != .frozen && name.hasSuffix(".s_w"))
        }
        try model.network.parameters.load(tensors, source: source, ignoring: ignored)
        try model.network.encoder.config.quantization?.weights.validate(
            parameters: model.network.parameters.values, source: source)
        model.prepare()
        return model
    }

    /// The spectral table of an AECCT model as a tensor (saved beside the weights, as the reference's `lpe` buffer).
    public var spectralTableTensor: Tensor? {
        network.spectralTable.isEmpty ? nil : Tensor(shape: [length, length, 2], values: network.spectralTable)
    }
}

extension ECCTModel {
    /// Phase 2 of the AECCT recipe: a QAT model of the same code and size started from a phase-1 (fp) model's weights
    /// and `lpe` table, every δ = 1 (the reference's `load_state_dict(strict=False)`; a QAT file keeps its δ of the
    /// same shape); `clampGradient` is the straight-through rule of its training; `rowScales`, one γ, δ and s_w per
    /// row of each ternary matrix. Throws when the file is not an AECCT, was trained on another H, or is already
    /// frozen.
    public static func qatFromPhaseOne(
        code: LinearCode, path: String, scope: ActivationQuantization.Scope,
        attentionDropout: Float, seed: UInt64, clampGradient: ClampGradient = .strict, rowScales: Bool = false
    ) throws -> ECCTModel {
        let (tensors, meta) = try SafeTensors.read(path: path)
        guard let held = aecctPrecision(of: tensors) else {
            throw CheckpointError(
                "--qat-from \(path): not an AECCT model (no '\(ECCTNames.spectralTable)' table); train phase 1 with --arch aecct"
            )
        }
        guard held != .frozen else {
            throw CheckpointError("--qat-from \(path): a frozen model; give the phase-1 (fp) model")
        }
        if let f = meta["h_fingerprint"], f != code.parityCheckFingerprint {
            throw CheckpointError(
                "--qat-from \(path): trained on another parity-check matrix (\(meta["code"] ?? "?")) than \(code.name)")
        }
        let fp = try loadAECCT(
            code: code, tensors: tensors, source: path, precision: .fp, attentionDropout: attentionDropout)
        let model = try aecct(
            code: code, layers: fp.layers, width: fp.width, heads: fp.heads, precision: .qat, scope: scope,
            attentionDropout: attentionDropout, seed: seed, spectralTable: fp.network.spectralTable,
            clampGradient: clampGradient, rowScales: rowScales)
        var weights = fp.network.parameters.tensors
        for e in model.network.parameters.entries where e.name.hasSuffix(".delta") {
            // a QAT file's own δ when it has this model's shape, else 1
            weights[e.name] =
                tensors[e.name].flatMap { $0.shape == e.shape ? $0 : nil }
                ?? Tensor(shape: e.shape, values: .init(repeating: 1, count: e.count))
        }
        try model.load(weights, source: path)
        return model
    }
}

/// `eccbench quantize`: the frozen AECCT from a QAT one, as the reference's `freeze_weights` does it.
public enum AECCTFreezer {
    /// For every quantised matrix (a `.weight` with a `.delta`): W_t = clamp(round(W·s_w), −1, 1) and `.s_w` =
    /// 1/(γ·δ + 1e-6), γ the 0.45-quantile of |W| (per row, with a δ per row); every other tensor (δ, biases, norms,
    /// embedding, head, `lpe`) kept; optimizer state dropped. Throws when the tensors are not a QAT AECCT.
    public static func freeze(_ tensors: [String: Tensor], source: String, percentile: Float = 0.45) throws -> [String:
        Tensor]
    {
        guard ECCTModel.aecctPrecision(of: tensors) == .qat else {
            throw CheckpointError(
                "\(source): not a QAT AECCT (it needs an '\(ECCTNames.spectralTable)' table and '.delta' tensors, "
                    + "and no '.s_w'); train one with --qat-from")
        }
        var out = tensors.filter { !$0.key.hasPrefix("optimizer.") }
        // a NaN would round to a ternary −1 and a NaN bias would pass into the frozen file: refuse them all
        for (name, t) in out.sorted(by: { $0.key < $1.key }) {
            if let bad = t.values.firstIndex(where: { !$0.isFinite }) {
                throw CheckpointError("\(source): tensor '\(name)' value \(bad) is \(t.values[bad])")
            }
        }
        for name in tensors.keys where name.hasSuffix(".delta") {
            let base = String(name.dropLast(".delta".count))
            guard let w = tensors[base + ".weight"], w.shape.count == 2 else {
                throw CheckpointError("\(source): '\(name)' has no matrix '\(base).weight'")
            }
            let delta = tensors[name]!, rows = w.shape[0]
            guard delta.shape == [1] || delta.shape == [rows], delta.values.allSatisfy({ $0.isFinite && $0 > 0 })
            else {
                throw CheckpointError(
                    "\(source): '\(name)' is \(delta.values) with shape \(delta.shape); δ is positive, one per matrix "
                        + "or one per row [\(rows)]")
            }
            // one scale group per δ: the matrix, or each row
            let size = w.values.count / delta.values.count
            var ternary: [Float] = [], scales: [Float] = []
            for (g, d) in delta.values.enumerated() {
                let (t, scale) = TernaryQuantization.freeze(
                    weights: Array(w.values[(g * size)..<((g + 1) * size)]), delta: d, percentile: percentile)
                guard scale.isFinite else {
                    throw CheckpointError("\(source): '\(base).weight' gives a non-finite scale s_w (group \(g))")
                }
                ternary += t
                scales.append(scale)
            }
            out[base + ".weight"] = Tensor(shape: w.shape, values: ternary)
            out[base + ".s_w"] = Tensor(shape: delta.shape, values: scales)
        }
        return out
    }
}
