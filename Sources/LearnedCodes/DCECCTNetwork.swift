import Base
import Neural

/// A learned code and its DC-ECCT decoder, trained together (Choukroun & Wolf, ICML 2024; docs/DESIGN.md §7; reference
/// yoniLc/E2E_DC_ECCT), assembled from the engine's blocks:
///
///   code     Ω [m, k] → H = [I | P], G = [Pᵀ | I]                                `P_matrix`           (`SystematicCode`)
///   encoder  x_s[b, j] = Π_i (1 − 2·G_ij·msg[b, i])   (±1; the product form of GF(2) encoding)
///   channel  z_mul = ((x_s + z)·x_s) held constant, y = x_s·z_mul  (= x_s + z, with a gradient to G)
///   tokens   |y| and the syndrome of the hard decision (y < 0 ↦ 1) over H      (`MagnitudeSyndromeEmbedding`)
///   body     pre-LN transformer over all n + m tokens, no mask; layer i multiplies its attention scores (after
///            1/√d_h) by φ_i(M), M = [[HᵀH, Hᵀ], [H, HHᵀ]], φ_i an MLP 1 → 50 → ReLU → 1     (`TransformerEncoder`,
///            `OverlapMatrix`, `MLP`)
///   head     z [B, n] from the bit states and the states of their checks through H   (`CheckAwareHead`)
///   loss     BCE-with-logits(z, flipped), flipped = (z_mul < 0), mean over the batch's bits
///
/// z > 0 means "flipped"; `infer` and the trainer's logits are f = −z (f > 0: not flipped), so the decision is the
/// ECCT family's x̂ = sign(f)·sign(y). Ω reaches the loss through φ(M) and the head (via H) and through |y| (via G);
/// the syndrome's table lookup passes no gradient (as the reference's `.long()`).
///
/// As a `TrainableNetwork`: training input = channel noise z [n], targets = the message [k] (0/1; the paper trains with
/// all ones); inference input = channel output y [n]. `prepare` derives the code, M and φ(M) from Ω once per step;
/// slices accumulate ∂ℓ/∂φ, ∂ℓ/∂H and ∂ℓ/∂G as auxiliary gradients, which `finishGradients` folds into φ's weights and Ω.
public final class DCECCTNetwork: TrainableNetwork, @unchecked Sendable {
    public let n: Int
    public let k: Int
    public var m: Int { n - k }
    public var length: Int { n + m }
    public let omega: Int
    public let embedding: MagnitudeSyndromeEmbedding
    public let encoder: TransformerEncoder
    public let scoreMaps: [MLP]
    public let head: CheckAwareHead
    public let parameters: ParameterSet
    public static let scoreMapHidden = 50
    public var layers: Int { encoder.config.layers }
    public var width: Int { encoder.config.width }
    public var inputWidth: Int { n }
    public var targetWidth: Int { k }
    public var outputWidth: Int { n }
    public var auxiliaryGradientCount: Int { layers * length * length + m * n + k * n }

    /// What `prepare` derived from Ω: the code, H [m, n], G [k, n], M [L, L], φ_i(M) [N, L, L].
    public private(set) var code: SystematicCode
    var supports: [[Int]]
    let derivedArena = Arena()
    let H, G, overlap, scoreScales, dOverlap, dOverlapLayer: UnsafeMutablePointer<Float>
    let scoreMapWorkspaces: [MLP.Workspace]

    /// `omega`: Ω [m, k] (default: ±0.01 with random signs, the reference's start). The encoder's pattern is ignored
    /// (every pair attends); its layers, width, heads and dropout are used.
    public init<R: RandomNumberGenerator>(
        n: Int, k: Int, layers: Int, width: Int, heads: Int = 8, attentionDropout: Float = 0,
        omega initial: [Float]? = nil, using rng: inout R
    ) {
        precondition(k >= 1 && n > k, "DCECCTNetwork: n = \(n), k = \(k)")
        precondition(
            initial == nil || initial!.count == (n - k) * k,
            "DCECCTNetwork: Ω of \(initial!.count) entries for [\(n - k), \(k)]")
        self.n = n
        self.k = k
        let m = n - k, L = n + m
        let p = ParameterSet()
        omega = p.add(
            DCECCTNames.omega, shape: [m, k], initial: initial ?? SystematicCode.randomOmega(n: n, k: k, using: &rng))
        embedding = MagnitudeSyndromeEmbedding(
            p, names: (DCECCTNames.magnitude, DCECCTNames.syndromeTable), bits: n, checks: m,
            width: width, using: &rng)
        var config = EncoderConfig(layers: layers, width: width, heads: heads, pattern: .full(L))
        config.attentionDropout = attentionDropout
        config.clonedInitialBiases = true
        encoder = TransformerEncoder(config: config, parameters: p, names: DCECCTNames.encoder, using: &rng)
        scoreMaps = (0..<layers).map { i in
            MLP(p, names: DCECCTNames.scoreMap(i), sizes: [1, Self.scoreMapHidden, 1], activation: .relu, using: &rng)
        }
        // the reference deep-copies one attention module per layer: φ's biases start equal in every layer
        for map in scoreMaps.dropFirst() {
            for (a, b) in zip(scoreMaps[0].layers, map.layers) {
                for i in 0..<a.outFeatures { p.values[b.bias! + i] = p.values[a.bias! + i] }
            }
        }
        head = CheckAwareHead(p, names: DCECCTNames.head, bits: n, checks: m, width: width, using: &rng)
        parameters = p
        code = SystematicCode(n: n, k: k, parity: [UInt8](repeating: 0, count: m * k))
        supports = []
        H = derivedArena.take(m * n); G = derivedArena.take(k * n)
        overlap = derivedArena.take(L * L); scoreScales = derivedArena.take(layers * L * L)
        dOverlap = derivedArena.take(L * L); dOverlapLayer = derivedArena.take(L * L)
        scoreMapWorkspaces = scoreMaps.map { MLP.Workspace(mlp: $0, rows: L * L, arena: Arena()) }
        p.values.withUnsafeBufferPointer { prepare(parameters: $0.baseAddress!) }
    }

    /// The code of Ω, its matrices, M and every layer's φ(M).
    public func prepare(parameters p: UnsafePointer<Float>) {
        prepare(parameters: p, checkMatrix: nil)
    }

    /// `checkMatrix` replaces H [m, n] in M and the head by real values (gradient checks); the syndrome still comes
    /// from the binary code of Ω.
    func prepare(parameters p: UnsafePointer<Float>, checkMatrix: [Float]?) {
        let L = length
        code = SystematicCode(n: n, k: k, omega: p + omega)
        supports = code.checkSupports
        (checkMatrix ?? code.checkMatrix).withUnsafeBufferPointer { H.update(from: $0.baseAddress!, count: m * n) }
        code.generator.withUnsafeBufferPointer { G.update(from: $0.baseAddress!, count: k * n) }
        OverlapMatrix.forward(H: H, m: m, n: n, into: overlap)
        for (i, map) in scoreMaps.enumerated() {
            map.forward(
                x: overlap, y: scoreScales + i * L * L, rows: L * L, workspace: scoreMapWorkspaces[i], parameters: p)
        }
    }

    /// Folds the slices' ∂ℓ/∂φ_i into φ_i's weights and ∂ℓ/∂M, then ∂ℓ/∂M and ∂ℓ/∂H, ∂ℓ/∂G into ∂ℓ/∂Ω.
    public func finishGradients(parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
        let L = length, LL = L * L
        let dPhi = g + parameters.count, dH = dPhi + layers * LL, dG = dH + m * n
        dOverlap.initialize(repeating: 0, count: LL)
        for (i, map) in scoreMaps.enumerated() {
            map.backward(
                dy: dPhi + i * LL, x: overlap, dx: dOverlapLayer, rows: LL, workspace: scoreMapWorkspaces[i],
                parameters: p, gradients: g)
            for t in 0..<LL { dOverlap[t] += dOverlapLayer[t] }
        }
        OverlapMatrix.backward(dM: dOverlap, H: H, m: m, n: n, dH: dH)
        SystematicCode.accumulateOmegaGradient(omega: p + omega, dH: dH, dG: dG, n: n, k: k, into: g + omega)
    }

    /// Activations of one batch slice.
    public final class Workspace: @unchecked Sendable {
        public let batch: Int
        let arena = Arena()
        let encoder: EncoderWorkspace
        let head: CheckAwareHead.Workspace
        let xs, zmul, y, magnitudes, dMagnitudes, targets, z, dz: UnsafeMutablePointer<Float>
        let syndromes: UnsafeMutablePointer<UInt8>
        let tokens, hidden, dHidden, dTokens: UnsafeMutablePointer<Float>
        init(network e: DCECCTNetwork, batch B: Int) {
            batch = B
            let n = e.n, R = B * e.length * e.width
            encoder = e.encoder.makeWorkspace(batch: B)
            head = .init(batch: B, bits: n, checks: e.m, width: e.width, arena: arena)
            xs = arena.take(B * n); zmul = arena.take(B * n); y = arena.take(B * n); magnitudes = arena.take(B * n)
            dMagnitudes = arena.take(B * n); targets = arena.take(B * n); z = arena.take(B * n); dz = arena.take(B * n)
            syndromes = arena.takeRaw(B * e.m, of: UInt8.self)
            tokens = arena.take(R); hidden = arena.take(R); dHidden = arena.take(R); dTokens = arena.take(R)
        }
    }

    public func makeWorkspace(batch: Int) -> Workspace { Workspace(network: self, batch: batch) }

    /// x_s [B, n] (±1) of messages [B, k] (0/1): the parity of the message over each column of G.
    func encode(messages msg: UnsafePointer<Float>, count B: Int, into xs: UnsafeMutablePointer<Float>) {
        for b in 0..<B {
            for j in 0..<n {
                var odd = false
                for i in 0..<k where G[i * n + j] != 0 && msg[b * k + i] != 0 { odd.toggle() }
                xs[b * n + j] = odd ? -1 : 1
            }
        }
    }

    /// Tokens from channel outputs y [B, n] in the workspace, then the body and the head: z [B, n] in the workspace.
    func forward(
        workspace ws: Workspace, count B: Int, parameters p: UnsafePointer<Float>, call: MultiHeadAttention.Call
    ) {
        let LL = length * length
        for i in 0..<(B * n) { ws.magnitudes[i] = abs(ws.y[i]) }
        for b in 0..<B {
            for (c, support) in supports.enumerated() {
                var odd: UInt8 = 0
                for j in support where ws.y[b * n + j] < 0 { odd ^= 1 }
                ws.syndromes[b * m + c] = odd
            }
        }
        embedding.forward(
            magnitudes: ws.magnitudes, syndromes: ws.syndromes, tokens: ws.tokens, batch: B, parameters: p)
        let scales = UnsafePointer(scoreScales)
        encoder.forward(
            x: ws.tokens, out: ws.hidden, workspace: ws.encoder, parameters: p, call: call,
            scoreScales: { scales + $0 * LL })
        head.forward(h: ws.hidden, H: H, z: ws.z, batch: B, workspace: ws.head, parameters: p)
    }

    public func trainSlice(
        _ slice: TrainingSlice, workspace ws: Workspace, parameters p: UnsafePointer<Float>,
        gradients g: UnsafeMutablePointer<Float>
    ) -> Double {
        let B = slice.count, N = B * n
        precondition(B == ws.batch, "DCECCTNetwork: a slice of \(B) for a workspace of \(ws.batch)")
        encode(messages: slice.targets, count: B, into: ws.xs)
        for i in 0..<N {
            let x = ws.xs[i]
            ws.zmul[i] = (x + slice.input[i]) * x
            ws.y[i] = x * ws.zmul[i]
            ws.targets[i] = ws.zmul[i] < 0 ? 1 : (ws.zmul[i] == 0 ? 0.5 : 0)
        }
        forward(
            workspace: ws, count: B, parameters: p,
            call: .init(training: true, seed: slice.seed, step: slice.step, batchOffset: slice.batchOffset))
        let share = BCEWithLogits.share(
            logits: ws.z, targets: ws.targets, dz: ws.dz, count: N, total: slice.batchSize * n)
        for i in 0..<N { slice.logits[i] = -ws.z[i] }
        backward(workspace: ws, messages: slice.targets, count: B, parameters: p, gradients: g)
        return share
    }

    /// Parameter gradients from ∂ℓ/∂z in the workspace; ∂ℓ/∂φ, ∂ℓ/∂H and ∂ℓ/∂G into the auxiliary floats.
    func backward(
        workspace ws: Workspace, messages msg: UnsafePointer<Float>, count B: Int, parameters p: UnsafePointer<Float>,
        gradients g: UnsafeMutablePointer<Float>
    ) {
        let L = length, LL = L * L, d = width
        let dPhi = g + parameters.count, dH = dPhi + layers * LL, dG = dH + m * n
        head.backward(
            dz: ws.dz, H: H, dh: ws.dHidden, dH: dH, batch: B, workspace: ws.head, parameters: p, gradients: g)
        ws.dTokens.initialize(repeating: 0, count: B * L * d)
        let scales = UnsafePointer(scoreScales)
        encoder.backward(
            dOut: ws.dHidden, dx: ws.dTokens, workspace: ws.encoder, parameters: p, gradients: g,
            scoreScales: { scales + $0 * LL }, dScoreScales: { dPhi + $0 * LL })
        embedding.backward(
            magnitudes: ws.magnitudes, syndromes: ws.syndromes, dTokens: ws.dTokens, dMagnitudes: ws.dMagnitudes,
            batch: B, parameters: p, gradients: g)
        // |y| = |x_s·z_mul| → ∂/∂x_s = sign(y)·z_mul; x_s = Π_i (1 − 2 G_ij m_i) → ∂x_s/∂G_ij = −2 m_i·x_s·(1 − 2 G_ij m_i)
        for b in 0..<B {
            for j in 0..<n {
                let y = ws.y[b * n + j], sign: Float = y > 0 ? 1 : (y < 0 ? -1 : 0)
                let dxs = ws.dMagnitudes[b * n + j] * sign * ws.zmul[b * n + j]
                if dxs == 0 { continue }
                let xs = ws.xs[b * n + j]
                for i in 0..<k {
                    let mi = msg[b * k + i]
                    if mi == 0 { continue }
                    dG[i * n + j] += dxs * (-2 * mi) * xs * (1 - 2 * G[i * n + j] * mi)
                }
            }
        }
    }

    /// Logits f = −z [count, n] (f > 0: not flipped) from channel outputs y [count, n], evaluation mode.
    public func infer(
        input y: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>, count: Int, workspace ws: Workspace,
        parameters p: UnsafePointer<Float>
    ) {
        precondition(count == ws.batch, "DCECCTNetwork.infer: \(count) words for a workspace of \(ws.batch)")
        ws.y.update(from: y, count: count * n)
        forward(workspace: ws, count: count, parameters: p, call: .init(training: false, forBackward: false))
        for i in 0..<(count * n) { logits[i] = -ws.z[i] }
    }
}
