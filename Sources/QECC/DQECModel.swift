import Base
import Codes
import ECCT
import Foundation
import GF2
import Neural

/// The neural quantum decoder for one `DecodingProblem` or detector error model (docs/DESIGN.md §9, `DQECTarget`): a
/// `DQECNetwork` over the target's H, with the reference's parameter names, so reference checkpoints load by name.
public final class DQECModel: @unchecked Sendable {
    public let target: DQECTarget
    /// The code problem (nil for a detector error model).
    public var problem: DecodingProblem? {
        if case .code(let problem) = target { return problem }
        return nil
    }
    public let network: DQECNetwork
    public var layers: Int { network.encoder.config.layers }
    public var width: Int { network.width }
    public var heads: Int { network.encoder.config.heads }

    /// A freshly initialised model. Throws for impossible sizes (N outside 1…64, d not a multiple of the heads).
    public convenience init(problem: DecodingProblem, layers: Int, width: Int, heads: Int = 16, seed: UInt64 = 0) throws
    {
        try self.init(target: .code(problem), layers: layers, width: width, heads: heads, seed: seed)
    }

    /// A freshly initialised model for a code problem or a detector error model.
    public init(target: DQECTarget, layers: Int, width: Int, heads: Int = 16, seed: UInt64 = 0) throws {
        guard target.rounds == 1 || layers >= 2 else {
            throw QECCError(
                "neural decoder: with \(target.rounds) measurement rounds it needs N ≥ 2 layers (the rounds are averaged at the mid norm)"
            )
        }
        guard (1...64).contains(layers) else { throw QECCError("neural decoder: layers N = \(layers) must be in 1…64") }
        guard heads >= 1, width >= heads, width % heads == 0, width <= 4096 else {
            throw QECCError(
                "neural decoder: width d = \(width) must be a positive multiple of the \(heads) heads (at most 4096)")
        }
        let H = target.checkMatrix
        var budget = TransformerBudget(
            model: "neural decoder for \(target.name)", tokens: H.columns + H.rows,
            pairs: ECCTMask.pairBound(parityCheck: H), layers: layers, width: width, heads: heads)
        budget.sequences = target.rounds
        budget.outputs = H.columns
        try budget.check()
        var config = EncoderConfig(
            layers: layers, width: width, heads: heads, pattern: ECCTMask.pattern(parityCheck: H))
        config.attentionDropout = 0  // the reference's MultiHeadedAttention(h, d) has no dropout
        config.clonedInitialBiases = true
        var rng = SplitMixRNG(seed: seed)
        self.target = target
        // a DEM's observable is the answer: its loss takes P_odd as a probability (LogicalParityLoss)
        let logicalLoss: LogicalParityLoss.Input =
            if case .detectorErrorModel = target { .probability } else { .probabilityAsLogit }
        network = DQECNetwork(
            checkMatrix: H, logicals: target.logicals, config: config, rounds: target.rounds, logicalLoss: logicalLoss,
            using: &rng)
        pool = WorkspacePool { [network] in network.makeWorkspace(batch: Self.defaultChunk) }
    }

    /// Workspaces of `defaultChunk` shots, kept between calls of `run` (a decoder calls it once per block of shots).
    let pool: WorkspacePool<DQECNetwork.Workspace>
    public static let defaultChunk = 32

    /// A model sized from reference-named weights (d from `src_embed`, N from the layer names), loaded. The head
    /// count is the file's (metadata `heads`, which our checkpoints and `scripts/export_ecct_weights.py --heads`
    /// record); `heads` is needed only for a file that records none (a reference export), and may not contradict a
    /// recorded one. A file that records its rounds (metadata `rounds`) must be used on shots of that many rounds.
    public static func load(problem: DecodingProblem, weightsAt path: String, heads asked: Int? = nil) throws
        -> DQECModel
    {
        try load(target: .code(problem), weightsAt: path, heads: asked)
    }

    /// The same for any target. A file trained on a detector error model records its structure fingerprint (metadata
    /// `dem`) and must be used on a model with the same H and observables.
    public static func load(target: DQECTarget, weightsAt path: String, heads asked: Int? = nil) throws -> DQECModel {
        let (tensors, meta) = try SafeTensors.read(path: path)
        let recorded = meta["heads"].flatMap(Int.init)
        if let asked, let recorded, asked != recorded {
            throw CheckpointError(
                "\(path) records \(recorded) attention heads; \(asked) contradicts it (drop the override)")
        }
        guard let heads = asked ?? recorded else {
            throw CheckpointError(
                "\(path) records no head count (a reference export): give it (qec infer --heads H, neural:\(path)@H; "
                    + "the reference trains with 16), or export with scripts/export_ecct_weights.py --heads H")
        }
        if let rounds = meta["rounds"].flatMap(Int.init), rounds != target.rounds {
            throw CheckpointError(
                "\(path) was trained on \(rounds) measurement round(s); these shots have \(target.rounds) "
                    + "(use --rounds \(rounds))")
        }
        if case .detectorErrorModel(let dem) = target {
            guard let trained = meta["dem"] else {
                throw CheckpointError("\(path) was not trained on a detector error model (qec train --dem)")
            }
            guard trained == dem.structureFingerprint else {
                throw CheckpointError(
                    "\(path) was trained on another detector error model (fingerprint \(trained), "
                        + "\(meta["dem-source"] ?? "?")); \(dem.source) is \(dem.structureFingerprint)")
            }
        } else if meta["dem"] != nil {
            throw CheckpointError("\(path) was trained on a detector error model; decode it with qec --dem")
        }
        let name = ECCTNames.embedding
        guard let embed = tensors[name] else { throw CheckpointError("\(path): missing tensor '\(name)'") }
        let L = target.errorLength + target.syndromeLength
        guard embed.shape.count == 2, embed.shape[0] == L else {
            throw CheckpointError(
                "\(path): '\(name)' has shape \(embed.shape); \(target.shapeDescription) "
                    + "needs [n + m, d] = [\(target.errorLength) + \(target.syndromeLength), d]")
        }
        var layers = 0
        while tensors[ECCTNames.layerProbe(layers)] != nil { layers += 1 }
        guard layers > 0 else { throw CheckpointError("\(path): no tensor '\(ECCTNames.layerProbe(0))'") }
        let model = try DQECModel(target: target, layers: layers, width: embed.shape[1], heads: heads)
        try model.network.parameters.load(tensors, source: path, ignoring: { $0.hasPrefix("optimizer.") })
        return model
    }

    /// Warm start from another model's weights (a smaller code's, typically): every tensor whose name and shape match
    /// is copied — the transformer layers and the output norm, whose shapes depend on N and d only — and the rest
    /// (embeddings, noise estimator, output projection, sized by the code) keep this model's initialisation. Returns
    /// the names copied. Refused when the file records another head count (the layers would mean something else) or
    /// when nothing matches; nothing is changed then.
    public func warmStart(fromWeightsAt path: String) throws -> [String] {
        let (tensors, meta) = try SafeTensors.read(path: path)
        if let recorded = meta["heads"].flatMap(Int.init), recorded != heads {
            throw CheckpointError("\(path) records \(recorded) attention heads; this model has \(heads)")
        }
        return try network.parameters.loadShared(tensors.filter { !$0.key.hasPrefix("optimizer.") }, source: path)
    }

    /// Noise estimates g (averaged over the rounds) and logits f [B, n] (f > 0: no error) from ±1 syndromes [B, T·m],
    /// evaluation mode, any B: chunks of `chunk` on all cores.
    public func run(
        syndromes: [Float], batch B: Int, chunk: Int = defaultChunk,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> (noise: [Float], logits: [Float]) {
        let n = network.n, m = network.inputWidth
        precondition(syndromes.count == B * m, "DQECModel: \(syndromes.count) syndrome values for batch \(B)")
        var noise = [Float](repeating: 0, count: B * n), logits = noise
        let pool =
            chunk == Self.defaultChunk ? self.pool : WorkspacePool { [network] in network.makeWorkspace(batch: chunk) }
        let network = self.network
        network.parameters.values.withUnsafeBufferPointer { p in
            noise.withUnsafeMutableBufferPointer { g in
                logits.withUnsafeMutableBufferPointer { f in
                    let shared = UnsafeSendable((p: p.baseAddress!, g: g.baseAddress!, f: f.baseAddress!, s: syndromes))
                    ChunkedWork.run(count: B, chunk: chunk, threads: threads) { start, size in
                        let v = shared.value
                        pool.with { ws in
                            // a short last chunk is padded with copies of its first syndrome
                            var input = [Float](repeating: 0, count: chunk * m)
                            for b in 0..<chunk {
                                let src = start + (b < size ? b : 0)
                                for i in 0..<m { input[b * m + i] = v.s[src * m + i] }
                            }
                            var out = [Float](repeating: 0, count: chunk * n)
                            input.withUnsafeBufferPointer { inp in
                                out.withUnsafeMutableBufferPointer {
                                    network.infer(
                                        input: inp.baseAddress!, logits: $0.baseAddress!,
                                        count: chunk, workspace: ws, parameters: v.p)
                                }
                            }
                            (v.f + start * n).update(from: out, count: size * n)
                            (v.g + start * n).update(from: ws.noise, count: size * n)
                        }
                    }
                }
            }
        }
        return (noise, logits)
    }
}

/// `neural`: the DQEC model as a decoder: syndrome bits → ±1 → logits f, then by `prediction`
///
/// - `.errors` (codes): ê = (f < 0) over the error bits, corrections [count, n];
/// - `.observables` (detector error models): each logical ℓ's flip probability P_ℓ = ½(1 − Π_{i ∈ ℓ} (1 − 2 p_i)),
///   p_i = σ(−f_i) — the quantity its logical loss trains — flipped when P_ℓ > ½, "corrections" [count, K] that are the
///   predicted observable flips. Thresholding each mechanism and taking the parity loses on a DEM: most mechanisms are
///   degenerate with others (the same detectors, other observables), so no single one is likelier than not and the
///   marginals' hard decisions mark almost nothing.
///
/// A shot whose logits are not all finite (weights that overflow) gets no correction and is counted: a decoder that
/// reports it (`FallbackReporting`) so the LER table warns instead of passing the shots off as decoded.
public struct NeuralQuantumDecoder: QuantumDecoder, FallbackReporting {
    /// What the decoder outputs a shot: the error bits, or the logicals' (observables') flips.
    public enum Prediction: Sendable { case errors, observables }
    public let name: String
    public let model: DQECModel
    public let prediction: Prediction
    let fallbacks = FallbackCounter()

    public init(model: DQECModel, name: String = "neural", prediction: Prediction = .errors) {
        self.model = model
        self.name = name
        self.prediction = prediction
    }

    /// detections: [count, T·m] 0/1; corrections: [count, n] (`.errors`) or [count, K] (`.observables`).
    public func decode(
        detections: UnsafeBufferPointer<UInt8>, count: Int, into corrections: UnsafeMutableBufferPointer<UInt8>
    ) {
        let m = model.network.inputWidth, n = model.network.n, logical = model.network.logical
        let s = (0..<(count * m)).map { detections[$0] == 0 ? Float(1) : -1 }
        let (_, f) = model.run(syndromes: s, batch: count, threads: 1)
        // the decision's values [count, width]: decide(v) = 1 flips
        let (values, width, decide): ([Float], Int, (Float) -> Bool) =
            switch prediction {
            case .errors: (f, n, { $0 < 0 })
            case .observables:
                (
                    f.withUnsafeBufferPointer { logical.oddParityProbabilities(logits: $0.baseAddress!, count: count) },
                    logical.supports.count, { $0 > 0.5 }
                )
            }
        var fallback = 0
        for shot in 0..<count {
            let finite = f[(shot * n)..<((shot + 1) * n)].allSatisfy { $0.isFinite }
            if !finite { fallback += 1 }
            for i in (shot * width)..<((shot + 1) * width) { corrections[i] = finite && decide(values[i]) ? 1 : 0 }
        }
        if fallback > 0 { fallbacks.add(fallback) }
    }

    public func takeFallbacks() -> (frames: Int, reason: String) {
        (fallbacks.take(), "the network's logits were not finite (NaN or infinity); those shots got no correction")
    }
}
