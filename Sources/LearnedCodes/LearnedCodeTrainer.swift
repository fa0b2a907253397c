import Base
import Channels
import Foundation
import Neural

/// A learned-code training run: the run layer (`TrainingRun`) with the learned-code recipe.
public typealias LearnedCodeTrainer = TrainingRun<LearnedCodeRecipe>
/// Where a learned-code run is; its epoch context is P at the epoch's start (to count the bits that changed).
public typealias LearnedCodeTrainingState = RunState<LearnedCodeEpoch, [UInt8]>

/// Learning a code and its decoder together (docs/DESIGN.md §7): every step draws noise for a batch of all-ones
/// messages (word i of step t from `SeededRNG(seed).derived(t).derived(i)`, its Eb/N0 drawn from the grid, so batches
/// do not depend on the thread count); all parameters train, Ω in its own group (own clip; frozen from
/// `freezeCodeAfter`). After each epoch it validates −ln(BER) on fixed noise.
public final class LearnedCodeRecipe: TrainingRecipe, @unchecked Sendable {
    public let model: LearnedCodeModel
    public let settings: LearnedCodeTrainingConfig
    let sigmas: [Float]

    public init(model: LearnedCodeModel, settings config: LearnedCodeTrainingConfig) throws {
        try config.validate()
        guard model.n == config.n, model.k == config.k else {
            throw SettingsError(
                "learn-code: the model is (\(model.n), \(model.k)), the settings say (\(config.n), \(config.k))")
        }
        self.model = model
        self.settings = config
        let rate = Double(config.k) / Double(config.n)
        sigmas = config.trainEbN0.map { Float(awgnSigma(ebN0dB: $0, rate: rate)) }
    }

    public var network: DCECCTNetwork { model.network }
    public static let checkpointFormat = LearnedCodeCheckpoint.format

    public func checkpointMetadata() -> [String: String] {
        [
            "n": String(model.n), "k": String(model.k), "layers": String(model.layers), "width": String(model.width),
            "heads": String(model.heads),
        ]
    }

    /// Ω's group: its own clip, frozen from `freezeCodeAfter`.
    public func parameterGroups(step: Int) -> [ParameterGroup]? {
        let frozen = settings.freezeCodeAfter.map { step >= $0 } ?? false
        return [
            ParameterGroup.named(
                "code", in: model.network.parameters, trainable: !frozen,
                clipNorm: settings.codeClipNorm, where: { $0 == DCECCTNames.omega })
        ]
    }

    /// Noise [B, n] and messages (all ones) [B, k] of step t.
    public func batch(step t: Int) -> (input: [Float], targets: [Float]) {
        let B = settings.batchSize
        let n = settings.n
        var noise = [Float](repeating: 0, count: B * n)
        var row = [Float](repeating: 0, count: n)
        let stepRNG = SeededRNG(seed: settings.seed).derived(UInt64(t))
        for i in 0..<B {
            var rng = stepRNG.derived(UInt64(i))
            let sigma = sigmas[Int(rng.next() % UInt64(sigmas.count))]
            var gauss = GaussianGenerator(using: &rng)
            gauss.fill(&row)
            for j in 0..<n { noise[i * n + j] = sigma * row[j] }
        }
        return (noise, [Float](repeating: 1, count: B * settings.k))
    }

    /// Bit errors of the step's decisions: x̂ wrong where the logit's sign says "not flipped" on a flipped bit or the
    /// reverse (the logits f = −z; the noise flips bit j of the all-ones message's codeword x_s where x_s·z < −1, x_s
    /// under the code of the step, before its update: the network's prepared G).
    public func bitErrors(input noise: [Float], targets: [Float], logits: [Float]) -> (errors: Int, bits: Int) {
        let n = settings.n
        let network = model.network
        var xs = [Float](repeating: 0, count: n)
        let ones = [Float](repeating: 1, count: network.k)
        ones.withUnsafeBufferPointer { m in
            xs.withUnsafeMutableBufferPointer {
                network.encode(messages: m.baseAddress!, count: 1, into: $0.baseAddress!)
            }
        }
        var errors = 0
        for i in 0..<logits.count {
            let flipped = (xs[i % n] + noise[i]) * xs[i % n] < 0
            if (logits[i] < 0) != flipped { errors += 1 }
        }
        return (errors, logits.count)
    }

    public func epochContext() -> [UInt8] { model.code.parity }

    public func problem(withStoredContext context: [UInt8]) -> String? {
        let count = model.code.parity.count
        if context.count != count { return "\(context.count) bits of P, the code has \(count)" }
        return context.allSatisfy { $0 <= 1 } ? nil : "P's bits must be 0 or 1"
    }

    public func endEpoch(_ s: EpochSummary, context before: [UInt8]?) throws -> LearnedCodeEpoch {
        let now = model.code.parity
        let changes = before.map { zip($0, now).filter { $0 != $1 }.count } ?? 0
        return LearnedCodeEpoch(
            epoch: s.epoch, loss: s.loss, trainingBER: s.trainBER, seconds: s.trainingSeconds,
            samples: s.samplesPerEpoch, codeChanges: changes,
            validationEbN0: settings.validationEbN0, negLnBER: validate())
    }

    /// −ln(BER) of the joint decoder on the current code at each validation Eb/N0 (the zero codeword — the decoder
    /// reads |y| and the syndrome, so any codeword gives the same errors; noise seeded 2024 + the point's index).
    public func validate() -> [Double] {
        guard settings.validationWords > 0 else { return [] }
        return settings.validationEbN0.enumerated().map { i, ebN0 in
            let ber = LearnedCodeEvaluation.bitErrorRate(
                model: model, ebN0: ebN0, words: settings.validationWords,
                seed: 2024 + UInt64(i))
            return -log(max(ber, 1e-300))
        }
    }

    /// The learning curve's columns: epoch, loss, train BER, P changes, seconds (training), samples, −ln(BER) per Eb/N0.
    public var curveColumns: [String] {
        ["epoch", "loss", "train_ber", "code_changes", "seconds", "samples"]
            + settings.validationEbN0.map { String(format: "neg_ln_ber_%gdB", $0) }
    }

    public func curveRow(_ r: LearnedCodeEpoch) -> [String] {
        [
            String(r.epoch), String(format: "%.6f", r.loss), String(format: "%.4e", r.trainingBER),
            String(r.codeChanges),
            String(format: "%.1f", r.seconds), String(r.samples),
        ] + r.negLnBER.map { String(format: "%.4f", $0) }
    }
}
