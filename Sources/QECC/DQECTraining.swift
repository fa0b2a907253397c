import Base
import Foundation
import Neural

/// Settings of a neural quantum decoder training run (docs/DESIGN.md §9's reference recipe by default: Adam 5e-4, cosine
/// per epoch to 1e-6, batches of 128, each sample's p drawn from the grid). Stored in every checkpoint.
public struct DQECTrainingConfig: RunSettings {
    public var code: String
    public var noise: PauliNoise
    /// The detector error model file trained on (`qec train --dem`; noise `.circuit`, `trainP` and `validationP` are
    /// factors on its priors), or nil for a code.
    public var dem: String?
    /// Measurement rounds (faulty syndromes with q = p in all but the last).
    public var rounds: Int = 1
    public var layers: Int
    public var width: Int
    public var heads: Int
    public var trainP: [Double]
    public var epochs: Int
    public var stepsPerEpoch: Int
    public var batchSize: Int
    public var learningRate: Float = 5e-4
    public var minimumLearningRate: Float = 1e-6
    public var seed: UInt64 = 1
    /// `cosine` (nil, the reference's: per epoch) or `wsd`; its warm-up and decay steps.
    public var schedule: String?
    public var warmupSteps: Int?
    public var decaySteps: Int?
    public var clipNorm: Float?
    /// Draw a sample's error again while it is zero (the reference does for depolarising noise).
    public var nonzeroOnly: Bool
    /// Validation after each epoch: LER of the network and of mwpm on the same fixed shots at these p.
    public var validationP: [Double]
    public var validationShots: Int

    public init(
        code: String, noise: PauliNoise, rounds: Int = 1, layers: Int, width: Int, heads: Int, trainP: [Double],
        epochs: Int,
        stepsPerEpoch: Int, batch: Int = 128, validationP: [Double], validationShots: Int = 4096
    ) {
        self.code = code; self.noise = noise; self.rounds = rounds; self.layers = layers; self.width = width;
        self.heads = heads
        self.trainP = trainP; self.epochs = epochs; self.stepsPerEpoch = stepsPerEpoch; self.batchSize = batch
        self.nonzeroOnly = noise == .depolarizing
        self.validationP = validationP; self.validationShots = validationShots
    }

    enum CodingKeys: String, CodingKey {
        case code, noise, dem, rounds, layers, width, heads, trainP, epochs, stepsPerEpoch, learningRate,
            minimumLearningRate
        case seed, schedule, warmupSteps, decaySteps, clipNorm, nonzeroOnly, validationP, validationShots
        case batchSize = "batch"
    }

    /// Throws a `SettingsError` for settings that cannot run, naming the field.
    public func validate() throws {
        func fail(_ s: String) -> SettingsError { SettingsError("training: \(s)") }
        try validateRun()
        // on a detector error model the values are factors on its priors (checked when the priors are scaled)
        let valid: (Double) -> Bool = { $0.isFinite && $0 > 0 && (noise == .circuit || $0 < 1) }
        let range = noise == .circuit ? "> 0 (factors on the model's priors)" : "in (0, 1)"
        guard !trainP.isEmpty, trainP.allSatisfy(valid) else { throw fail("--train-p needs values \(range)") }
        guard validationP.allSatisfy(valid) else { throw fail("--validation-p needs values \(range)") }
        guard (0...10_000_000).contains(validationShots) else { throw fail("--validation-shots must be in 0…10000000") }
    }
}

/// One epoch of a run: mean training loss, its training seconds (validation excluded), and the validation LERs
/// (network and mwpm per p).
public struct DQECEpoch: Codable, Sendable, Equatable {
    public var epoch: Int
    public var loss: Double
    public var seconds: Double
    public var samples: Int
    public var validationP: [Double]
    public var neuralLER: [Double]
    public var matchingLER: [Double]
}
