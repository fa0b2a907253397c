import Base
import Channels
import Codes
import Foundation
import Neural

/// Training settings; the defaults are the reference's (docs/DESIGN.md §3).
public struct ECCTTrainingConfig: RunSettings {
    /// Adam learning rate at epoch 0, annealed by cosine to `minimumLearningRate` over `epochs`, stepped per epoch.
    public var learningRate: Float = 1e-4
    public var minimumLearningRate: Float = 1e-6
    public var epochs = 1000
    public var stepsPerEpoch = 1000
    public var batchSize = 128
    /// Each training sample draws its Eb/N0 uniformly from this list (dB).
    public var trainingEbN0: [Double] = [2, 3, 4, 5, 6, 7]
    /// Validation after every epoch: −ln(BER) at these points on a fixed set of zero-codeword words.
    public var validationEbN0: [Double] = [4, 5, 6]
    public var validationWords = 20_000
    public var attentionDropout: Float = 0.1
    /// Global gradient-norm clipping (none by default, as in the reference).
    public var clipNorm: Float?
    public var seed: UInt64 = 1
    // Options of the data-centric recipe (SBND); nil is the reference's choice, so older checkpoints still resume.
    /// `adam` (nil) or `adamw` (decoupled weight decay, torch.optim.AdamW).
    public var optimizer: String?
    public var weightDecay: Float?
    /// `cosine` (nil: per epoch, the reference's) or `wsd`: linear warm-up over `warmupSteps`, constant, then linear
    /// decay to `minimumLearningRate` over the last `decaySteps` steps; set every step.
    public var schedule: String?
    public var warmupSteps: Int?
    public var decaySteps: Int?
    /// Redraw training samples whose hard decision already satisfies every check (they teach almost nothing).
    public var rejectZeroSyndrome: Bool?
    /// Fixed dataset folders (`eccbench dataset`, comma-separated) instead of fresh channel samples; each is
    /// reshuffled every epoch.
    public var dataset: String?
    /// With several datasets: their weights in every batch (each batch takes exactly its share of each; default equal).
    public var batchMix: [Double]?
    /// `automorphisms` (the group the code's structure gives) or a permutation file: every training sample is
    /// permuted by an automorphism drawn from (seed, step). (For fresh zero-codeword samples this changes nothing
    /// in distribution; it multiplies a fixed dataset.)
    public var augment: String?
    // The AECCT (issue 13); nil is the ECCT, so older checkpoints still resume.
    /// `aecct`, or nil (the ECCT).
    public var architecture: String?
    /// AECCT phase: `fp` (nil: phase 1) or `qat` (phase 2, from a phase-1 model: `qatFrom` names it).
    public var precision: String?
    /// AECCT INT8 activation scales: `token` (nil) or `tensor` (the reference's, over the whole batch: the batch then
    /// runs as one slice on one worker).
    public var activationScale: String?
    public var qatFrom: String?
    /// AECCT phase 2: where the straight-through gradient of the quantisers' clamps passes, `strict` (nil: the
    /// reference fixture's rule, strictly inside, so a weight at ±1 gets none) or `inclusive` (the bounds too: the
    /// reference code under torch ≥ 2; `ClampGradient`).
    public var clampGradient: String?
    /// AECCT phase 2: `matrix` (nil: the paper's one ternary scale per matrix) or `row` (one γ, δ, s_w per output).
    public var ternaryScale: String?
    // Knowledge distillation (issue 32); nil is plain training, so older checkpoints still resume.
    /// A teacher model file (any ECCT-family model on the same H, e.g. the AECCT's own phase 1 for its QAT): each
    /// target becomes t′ = (1 − α)·t + α·σ(f_T), f_T the teacher's logit on the same sample (evaluation mode).
    public var distillFrom: String?
    /// α of `distillFrom`, in (0, 1] (nil: 0.5).
    public var distillWeight: Float?

    public init() {}

    /// α of the distillation targets (0 without a teacher).
    public var distillationWeight: Float { distillFrom == nil ? 0 : distillWeight ?? 0.5 }

    /// The model family these settings train.
    public var modelArchitecture: ECCTArchitecture {
        guard architecture == "aecct" else { return .ecct }
        return .aecct(
            precision == "qat" ? .qat : .fp,
            ActivationQuantization.Scope(rawValue: activationScale ?? "token") ?? .token)
    }

    /// Whether `ternaryScale` asks for one scale per row.
    public var rowScales: Bool { ternaryScale == "row" }

    /// The straight-through rule of `clampGradient` (strict when nil).
    public var straightThroughClamp: ClampGradient { clampGradient.flatMap(ClampGradient.init(rawValue:)) ?? .strict }

    /// Throws naming the field of an impossible setting.
    public func validate() throws {
        func fail(_ s: String) -> SettingsError { SettingsError("training: \(s)") }
        try validateRun()
        guard !trainingEbN0.isEmpty, trainingEbN0.allSatisfy({ $0.isFinite && (-20...40).contains($0) }) else {
            throw fail("training Eb/N0 list \(trainingEbN0) must be finite values in −20…40 dB")
        }
        guard validationEbN0.allSatisfy({ $0.isFinite && (-20...40).contains($0) }) else {
            throw fail("validation Eb/N0 list \(validationEbN0) must be finite values in −20…40 dB")
        }
        guard validationWords >= 0 else { throw fail("validation words \(validationWords) must not be negative") }
        guard (0..<1).contains(attentionDropout) else {
            throw fail("attention dropout \(attentionDropout) must be in [0, 1)")
        }
        if let optimizer, !["adam", "adamw"].contains(optimizer) {
            throw fail("optimizer '\(optimizer)' is not adam or adamw")
        }
        if let weightDecay, !(weightDecay >= 0 && weightDecay < 1 && weightDecay.isFinite) {
            throw fail("weight decay \(weightDecay) must be in [0, 1)")
        }
        if let dataset {
            let folders = dataset.split(separator: ",", omittingEmptySubsequences: false)
            guard !folders.isEmpty, folders.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
                throw fail("dataset '\(dataset)' names an empty folder (give --data FOLDER[,FOLDER…])")
            }
        }
        if let batchMix {
            let folders = dataset?.split(separator: ",").count ?? 0
            guard batchMix.count == folders, batchMix.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw fail("batch mix \(batchMix) needs one positive weight per dataset (\(folders) given)")
            }
            guard Self.shares(batch: batchSize, weights: batchMix).allSatisfy({ $0 > 0 }) else {
                throw fail("batch mix \(batchMix) gives some dataset no sample of a batch of \(batchSize)")
            }
        }
        if dataset != nil && rejectZeroSyndrome == true {
            throw fail(
                "--reject-zero-syndrome applies to fresh samples; give it to `eccbench dataset` for a fixed dataset")
        }
        if let architecture, architecture != "aecct" { throw fail("architecture '\(architecture)' is not aecct") }
        if let precision, !(architecture == "aecct" && ["fp", "qat"].contains(precision)) {
            throw fail("precision '\(precision)' needs the aecct architecture and is fp or qat")
        }
        if let activationScale,
            !(architecture == "aecct" && ActivationQuantization.Scope(rawValue: activationScale) != nil)
        {
            throw fail(
                "activation scale '\(activationScale)' needs the aecct architecture and is token, tensor or none")
        }
        if let clampGradient, !(precision == "qat" && ClampGradient(rawValue: clampGradient) != nil) {
            throw fail("clamp gradient '\(clampGradient)' needs AECCT phase 2 (qat) and is strict or inclusive")
        }
        if let ternaryScale, !(precision == "qat" && ["matrix", "row"].contains(ternaryScale)) {
            throw fail("ternary scale '\(ternaryScale)' needs AECCT phase 2 (qat) and is matrix or row")
        }
        if let distillWeight {
            guard distillFrom != nil else {
                throw fail(
                    "distillation weight \(distillWeight) (--distill-weight) needs a teacher model (--distill-from)")
            }
            guard distillWeight > 0 && distillWeight <= 1 else {
                throw fail("distillation weight \(distillWeight) (--distill-weight) must be in (0, 1]")
            }
        }
        if let distillFrom, distillFrom.isEmpty { throw fail("the teacher model's path (--distill-from) is empty") }
    }

    /// Samples per batch from each dataset: the floor of B·wᵢ/Σw, the remainder one each to the first datasets.
    public static func shares(batch B: Int, weights: [Double]) -> [Int] {
        guard !weights.isEmpty else { return [] }
        // scaled by the largest first, so that weights near the largest Double still sum to a finite total
        let top = weights.max()!, scaled = weights.map { $0 / top }
        let total = scaled.reduce(0, +)
        var shares = scaled.map { Int((Double(B) * $0 / total).rounded(.down)) }
        var i = 0
        while shares.reduce(0, +) < B { shares[i % shares.count] += 1; i += 1 }
        return shares
    }

    /// The optimiser these settings ask for.
    public func makeOptimizer() -> Adam {
        var adam = Adam(learningRate: learningRate)
        adam.weightDecay = weightDecay ?? 0
        adam.decoupledWeightDecay = optimizer == "adamw"
        return adam
    }
}

/// One row of the learning curve, written after every epoch.
public struct ECCTEpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    /// Training samples seen at the end of the epoch.
    public var samples: Int
    public var loss: Double
    /// Bit error rate of the decisions on the epoch's training batches (all Eb/N0 mixed).
    public var trainBER: Double
    public var learningRate: Float
    /// Validation BER at `ECCTTrainingConfig.validationEbN0`.
    public var validationBER: [Double]
    /// Wall-clock seconds of the run when the epoch's validation started (earlier validations included).
    public var seconds: Double

    public init(
        epoch: Int, samples: Int, loss: Double, trainBER: Double, learningRate: Float, validationBER: [Double],
        seconds: Double
    ) {
        self.epoch = epoch; self.samples = samples; self.loss = loss; self.trainBER = trainBER
        self.learningRate = learningRate; self.validationBER = validationBER; self.seconds = seconds
    }
}

/// Zero-codeword AWGN samples for the ECCT (docs/DESIGN.md §3): x = +1ⁿ, y = x + σz with Eb/N0 drawn per sample.
public enum ECCTData {
    /// Channel outputs y [count, n]; sample i uses Eb/N0 = ebN0[index drawn uniformly].
    public static func channelOutputs(code: LinearCode, count: Int, ebN0: [Double], rng: inout SeededRNG) -> [Float] {
        let n = code.n
        let sigmas = ebN0.map { Float(awgnSigma(ebN0dB: $0, rate: code.rate)) }
        var y = [Float](repeating: 0, count: count * n)
        var gauss = GaussianGenerator(using: &rng)
        gauss.fill(&y)
        for s in 0..<count {
            let sigma = sigmas[Int(rng.next() % UInt64(sigmas.count))]
            for j in 0..<n { y[s * n + j] = 1 + sigma * y[s * n + j] }
        }
        return y
    }

    /// The same, keeping only samples whose hard decision violates some check (zero-syndrome rejection): rejected
    /// samples are replaced by further draws from the same generator, so the batch is a function of the seed.
    /// After `maxRounds` rounds of redrawing (a channel so clean that almost nothing is rejected-free) the last
    /// draws are kept as they are.
    public static func channelOutputsWithErrors(
        code: LinearCode, graph: TannerGraph, count: Int, ebN0: [Double],
        rng: inout SeededRNG, maxRounds: Int = 10_000
    ) -> [Float] {
        let n = code.n
        var out: [Float] = []
        out.reserveCapacity(count * n)
        var rounds = 0
        while out.count < count * n {
            let need = count - out.count / n
            let y = channelOutputs(code: code, count: need, ebN0: ebN0, rng: &rng)
            rounds += 1
            for s in 0..<need where rounds >= maxRounds || hasNonzeroSyndrome(y, sample: s, n: n, graph: graph) {
                out += y[(s * n)..<((s + 1) * n)]
            }
        }
        return out
    }

    /// True when the hard decision of sample s (y < 0 ↦ 1) violates some check.
    public static func hasNonzeroSyndrome(_ y: [Float], sample s: Int, n: Int, graph: TannerGraph) -> Bool {
        y.withUnsafeBufferPointer { hasNonzeroSyndrome(word: $0.baseAddress! + s * n, graph: graph) }
    }

    /// True when the hard decision of one word y [n] violates some check.
    public static func hasNonzeroSyndrome(word y: UnsafePointer<Float>, graph: TannerGraph) -> Bool {
        graph.hasNonzeroSyndrome(hardDecisionOf: y)
    }
}
