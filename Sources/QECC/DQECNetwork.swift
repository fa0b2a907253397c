import Base
import Codes
import ECCT
import GF2
import Neural

/// The neural quantum decoder of Deep Quantum Error Correction (Choukroun & Wolf, AAAI 2024; docs/DESIGN.md §9;
/// reference yoniLc/DQEC), assembled from the engine's blocks:
///
///   g[b, :] = MLP(s[b, :])                 m → 5n → 5n → n, GELU            `syn_to_noise.0/.2/.4`   (`MLP`)
///   tokens[b, l, :] = [g, s][b, l] · E[l]  the ECCT over [g(s), s]           `src_embed`              (`ScalarTokenEmbedding`)
///   h = Encoder(tokens)                    pre-LN, GELU, the mask of H, any head count dividing d   (`TransformerEncoder`)
///   z[b, :] = head(h)                      Linear(d → 1), Linear(n+m → n)    `oned_final_embed.0`, `out_fc`
///
/// s is the ±1 syndrome [m] (+1 = satisfied), n the error bits of the problem (the stacked H's columns). The
/// reference's output z is positive where it predicts an error (its losses take −z): the logits f = −z of
/// docs/DESIGN.md §9 (f > 0: "no error") are what `logits` returns, and the decision is ê = (f < 0). g > 0 means
/// "no error" as well.
///
/// Training loss (docs/DESIGN.md §9): 0.5·BCE(f, 1 − e) + 1.0·L_LER + 0.5·BCE(g, 1 − e), L_LER = the mean over logicals of
/// BCE(logit(P_odd), ℓ·e mod 2) with P_odd = ½(1 − Π_{i ∈ ℓ} (1 − 2 p_i)) and p_i = σ(−f_i) the predicted error
/// probability (`LogicalParityLoss`). As a `TrainableNetwork` its input is s [m] (±1) and its target e [n] (0/1).
public final class DQECNetwork: TrainableNetwork, @unchecked Sendable {
    public let n: Int
    public let m: Int
    /// Measurement rounds T: with T > 1 the input is T syndromes (the difference syndromes, round-major), g and the
    /// first ⌊N/2⌋ layers run per round, the rounds are averaged before the mid LayerNorm, the rest runs once
    /// (the reference's `Model_T_measurements.py`), and BCE(g) takes g averaged over the rounds.
    public let rounds: Int
    public let noiseEstimator: MLP
    public let embedding: ScalarTokenEmbedding
    public let encoder: TransformerEncoder
    public let head: TwoStageHead
    public let parameters: ParameterSet
    public let logical: LogicalParityLoss
    /// Loss weights of BCE(f), L_LER and BCE(g) (the reference's λ_ber, λ_ler, λ_n_pred).
    public var lossWeights: (flips: Float, logical: Float, noise: Float) = (0.5, 1.0, 0.5)
    public var length: Int { n + m }
    public var width: Int { encoder.config.width }
    public var inputWidth: Int { rounds * m }
    public var targetWidth: Int { n }
    public var outputWidth: Int { n }

    /// The reference's parameter names (`syn_to_noise` Sequential: Linear, GELU, Linear, GELU, Linear).
    public static let noiseEstimatorNames = ["syn_to_noise.0", "syn_to_noise.2", "syn_to_noise.4"]
    /// Hidden width of the noise estimator per error bit (the reference's N_in).
    public static let noiseExpansion = 5

    public init<G: RandomNumberGenerator>(
        checkMatrix H: BitMatrix, logicals: [[Int]], config: EncoderConfig, rounds: Int = 1,
        logicalLoss: LogicalParityLoss.Input = .probabilityAsLogit, using rng: inout G
    ) {
        n = H.columns
        m = H.rows
        precondition(
            rounds == 1 || (config.layers >= 2 && config.midNorm), "DQECNetwork: T > 1 needs N ≥ 2 and the mid norm")
        self.rounds = rounds
        precondition(config.length == n + m, "DQECNetwork: pattern of \(config.length) tokens for n + m = \(n + m)")
        let p = ParameterSet()
        embedding = ScalarTokenEmbedding(p, name: ECCTNames.embedding, length: n + m, width: config.width, using: &rng)
        encoder = TransformerEncoder(config: config, parameters: p, names: ECCTNames.encoder, using: &rng)
        head = TwoStageHead(p, names: ECCTNames.head, width: config.width, length: n + m, outputs: n, using: &rng)
        let hidden = Self.noiseExpansion * n
        noiseEstimator = MLP(
            p, names: Self.noiseEstimatorNames, sizes: [m, hidden, hidden, n], activation: .gelu, using: &rng)
        parameters = p
        logical = LogicalParityLoss(supports: logicals, bits: n, input: logicalLoss)
    }

    /// Activations of one batch slice.
    public final class Workspace: @unchecked Sendable {
        public let batch: Int
        let arena = Arena()
        let encoder: EncoderWorkspace
        let head: TwoStageHead.Workspace
        let mlp: MLP.Workspace
        /// Per round (rows t·B + b): g, tokens, the first half's output; T = 1 uses them for the whole batch.
        let noiseRounds, dNoiseRounds, scalars, dScalars, tokens, dTokens, roundsOut,
            dRoundsOut: UnsafeMutablePointer<Float>
        /// T > 1: the first half per round, then the round mean, the mid norm and the second half.
        let roundsEncoder: EncoderWorkspace?
        let pooled, dPooled, midOut, dMidOut: UnsafeMutablePointer<Float>
        let midStats: LayerNormLayer.Workspace
        let syndromes: UnsafeMutablePointer<Float>
        let noise, hidden, dHidden, z, dz, dNoise: UnsafeMutablePointer<Float>
        /// The loss's scratch: targets 1 − e, logits f = −z and ∂ℓ/∂f [B, n].
        let lossTargets, lossLogits, dLossLogits: UnsafeMutablePointer<Float>
        init(network e: DQECNetwork, batch B: Int) {
            batch = B
            let T = e.rounds, R = B * e.length, d = e.width
            encoder = e.encoder.makeWorkspace(batch: B)
            roundsEncoder = T > 1 ? e.encoder.makeWorkspace(batch: B * T) : nil
            head = .init(batch: B, length: e.length, arena: arena)
            mlp = .init(mlp: e.noiseEstimator, rows: B * T, arena: arena)
            noiseRounds = arena.take(T * B * e.n); dNoiseRounds = arena.take(T * B * e.n)
            scalars = arena.take(T * R); dScalars = arena.take(T * R)
            tokens = arena.take(T * R * d); dTokens = arena.take(T * R * d)
            roundsOut = arena.take(T * R * d); dRoundsOut = arena.take(T * R * d)
            pooled = arena.take(R * d); dPooled = arena.take(R * d); midOut = arena.take(R * d);
            dMidOut = arena.take(R * d)
            midStats = .init(rows: R, arena: arena)
            syndromes = arena.take(T * B * e.m)
            noise = arena.take(B * e.n); hidden = arena.take(R * d); dHidden = arena.take(R * d)
            z = arena.take(B * e.n); dz = arena.take(B * e.n); dNoise = arena.take(B * e.n)
            lossTargets = arena.take(B * e.n); lossLogits = arena.take(B * e.n); dLossLogits = arena.take(B * e.n)
        }
    }

    public func makeWorkspace(batch: Int) -> Workspace { Workspace(network: self, batch: batch) }

    /// g [B, n] (averaged over the rounds) and the reference's output z [B, n] (in the workspace) from syndromes
    /// s [B, T·m] (±1, round-major per sample).
    public func forward(
        syndrome s: UnsafePointer<Float>, workspace ws: Workspace, parameters p: UnsafePointer<Float>,
        call: MultiHeadAttention.Call
    ) {
        let B = ws.batch, T = rounds, L = length, d = width, R = B * L
        // Round-major rows t·B + b.
        for t in 0..<T {
            for b in 0..<B { (ws.syndromes + (t * B + b) * m).update(from: s + (b * T + t) * m, count: m) }
        }
        noiseEstimator.forward(x: ws.syndromes, y: ws.noiseRounds, rows: B * T, workspace: ws.mlp, parameters: p)
        for r in 0..<(B * T) {
            (ws.scalars + r * L).update(from: ws.noiseRounds + r * n, count: n)
            (ws.scalars + r * L + n).update(from: ws.syndromes + r * m, count: m)
        }
        embedding.forward(input: ws.scalars, tokens: ws.tokens, batch: B * T, parameters: p)
        if let wsR = ws.roundsEncoder {
            let half = encoder.config.layers / 2
            encoder.forward(
                x: ws.tokens, out: ws.roundsOut, workspace: wsR, parameters: p, call: call, layers: 0..<half,
                applyMidNorm: false)
            RoundPooling.forward(x: ws.roundsOut, y: ws.pooled, rounds: T, count: R * d)
            encoder.midNorm!.forward(x: ws.pooled, y: ws.midOut, rows: R, workspace: ws.midStats, parameters: p)
            encoder.forward(
                x: ws.midOut, out: ws.hidden, workspace: ws.encoder, parameters: p, call: call,
                layers: half..<encoder.config.layers)
        } else {
            encoder.forward(x: ws.tokens, out: ws.hidden, workspace: ws.encoder, parameters: p, call: call)
        }
        RoundPooling.forward(x: ws.noiseRounds, y: ws.noise, rounds: T, count: B * n)
        head.forward(h: ws.hidden, logits: ws.z, batch: B, workspace: ws.head, parameters: p)
    }

    /// Parameter gradients from ∂ℓ/∂z [B, n] and ∂ℓ/∂ḡ [B, n] (the direct term on the round mean ḡ; the path through
    /// the tokens is added).
    public func backward(
        dz: UnsafePointer<Float>, dNoise: UnsafePointer<Float>, workspace ws: Workspace,
        parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>
    ) {
        let B = ws.batch, T = rounds, L = length, d = width, R = B * L
        head.backward(
            dLogits: dz, h: ws.hidden, dh: ws.dHidden, batch: B, workspace: ws.head, parameters: p, gradients: g)
        ws.dTokens.initialize(repeating: 0, count: T * R * d)
        if let wsR = ws.roundsEncoder {
            ws.dMidOut.initialize(repeating: 0, count: R * d)
            encoder.backward(dOut: ws.dHidden, dx: ws.dMidOut, workspace: ws.encoder, parameters: p, gradients: g)
            ws.dPooled.initialize(repeating: 0, count: R * d)
            encoder.midNorm!.backward(
                dy: ws.dMidOut, x: ws.pooled, dx: ws.dPooled, rows: R, workspace: ws.midStats,
                parameters: p, gradients: g)
            RoundPooling.backward(dy: ws.dPooled, dx: ws.dRoundsOut, rounds: T, count: R * d)
            encoder.backward(dOut: ws.dRoundsOut, dx: ws.dTokens, workspace: wsR, parameters: p, gradients: g)
        } else {
            encoder.backward(dOut: ws.dHidden, dx: ws.dTokens, workspace: ws.encoder, parameters: p, gradients: g)
        }
        embedding.backward(
            input: ws.scalars, dTokens: ws.dTokens, dInput: ws.dScalars, batch: B * T, parameters: p, gradients: g)
        RoundPooling.backward(dy: dNoise, dx: ws.dNoiseRounds, rounds: T, count: B * n)
        for r in 0..<(B * T) { for j in 0..<n { ws.dNoiseRounds[r * n + j] += ws.dScalars[r * L + j] } }
        noiseEstimator.backward(
            dy: ws.dNoiseRounds, x: ws.syndromes, dx: nil, rows: B * T, workspace: ws.mlp, parameters: p,
            gradients: g)
    }

    /// The loss of the slice (its share of the batch mean) with ∂/∂z and ∂/∂g written into the workspace.
    func loss(errors e: UnsafePointer<Float>, count B: Int, batchSize: Int, workspace ws: Workspace) -> Double {
        let N = B * n, share = Double(B) / Double(batchSize)
        let t = ws.lossTargets, f = ws.lossLogits, df = ws.dLossLogits
        for i in 0..<N { t[i] = 1 - e[i]; f[i] = -ws.z[i] }
        df.initialize(repeating: 0, count: N)
        ws.dNoise.initialize(repeating: 0, count: N)
        let w = lossWeights
        var total = Double(w.flips) * Double(BCEWithLogits.forward(logits: f, targets: t, count: N))
        BCEWithLogits.backward(logits: f, targets: t, dz: df, count: N, scale: w.flips * Float(share))
        total +=
            Double(w.logical)
            * logical.forwardBackward(logits: f, errors: e, count: B, dLogits: df, scale: w.logical * Float(share))
        total += Double(w.noise) * Double(BCEWithLogits.forward(logits: ws.noise, targets: t, count: N))
        BCEWithLogits.backward(logits: ws.noise, targets: t, dz: ws.dNoise, count: N, scale: w.noise * Float(share))
        for i in 0..<N { ws.dz[i] = -df[i] }
        return total * share
    }

    public func trainSlice(
        _ slice: TrainingSlice, workspace ws: Workspace, parameters p: UnsafePointer<Float>,
        gradients g: UnsafeMutablePointer<Float>
    ) -> Double {
        forward(
            syndrome: slice.input, workspace: ws, parameters: p,
            call: .init(training: true, seed: slice.seed, step: slice.step, batchOffset: slice.batchOffset))
        let share = loss(errors: slice.targets, count: slice.count, batchSize: slice.batchSize, workspace: ws)
        for i in 0..<(slice.count * n) { slice.logits[i] = -ws.z[i] }
        backward(dz: ws.dz, dNoise: ws.dNoise, workspace: ws, parameters: p, gradients: g)
        return share
    }

    /// Logits f = −z [count, n] (f > 0: no error) from syndromes [count, T·m] (±1), evaluation mode.
    public func infer(
        input s: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>, count: Int, workspace ws: Workspace,
        parameters p: UnsafePointer<Float>
    ) {
        precondition(count == ws.batch, "DQECNetwork.infer: \(count) syndromes for a workspace of \(ws.batch)")
        forward(syndrome: s, workspace: ws, parameters: p, call: .init(training: false, forBackward: false))
        for i in 0..<(count * n) { logits[i] = -ws.z[i] }
    }

    /// The noise estimate g [count, n] (averaged over the rounds) of the last `forward` / `infer` on this workspace.
    public func noiseEstimate(workspace ws: Workspace, into out: UnsafeMutablePointer<Float>) {
        out.update(from: ws.noise, count: ws.batch * n)
    }
}
