import Base
import Foundation
import Neural

/// Settings of a learned-code run (docs/DESIGN.md §7): the code's size, the decoder's, the recipe (Adam, cosine per epoch,
/// batches of all-ones messages with each word's Eb/N0 drawn from the grid), Ω's own gradient clip and an optional
/// freeze of Ω after a number of steps, and the per-epoch validation. Stored in every checkpoint.
public struct LearnedCodeTrainingConfig: RunSettings {
    public var n: Int
    public var k: Int
    public var layers: Int
    public var width: Int
    public var heads: Int = 8
    /// Where Ω started: "random" (±0.01) or a code name (its H brought to [I | P]).
    public var initialCode = "random"
    public var trainEbN0: [Double] = [2, 3, 4, 5, 6, 7]
    public var epochs: Int
    public var stepsPerEpoch: Int
    public var batchSize: Int = 128
    public var learningRate: Float = 5e-4
    public var minimumLearningRate: Float = 1e-6
    public var seed: UInt64 = 1
    /// `cosine` (nil, the reference's: per epoch) or `wsd`; its warm-up and decay steps; the global gradient clip.
    public var schedule: String?
    public var warmupSteps: Int?
    public var decaySteps: Int?
    public var clipNorm: Float?
    /// Ω's gradient-norm clip (its own parameter group), or nil.
    public var codeClipNorm: Float? = nil
    /// Freeze Ω (no further updates) from this global step on, or nil.
    public var freezeCodeAfter: Int? = nil
    /// Validation after each epoch: −ln(BER) of the joint decoder on the current code, fixed noise.
    public var validationEbN0: [Double] = [4, 5, 6]
    public var validationWords: Int = 20_000

    public init(n: Int, k: Int, layers: Int, width: Int, epochs: Int, stepsPerEpoch: Int) {
        self.n = n; self.k = k; self.layers = layers; self.width = width; self.epochs = epochs;
        self.stepsPerEpoch = stepsPerEpoch
    }

    enum CodingKeys: String, CodingKey {
        case n, k, layers, width, heads, initialCode, trainEbN0, epochs, stepsPerEpoch, learningRate,
            minimumLearningRate
        case seed, schedule, warmupSteps, decaySteps, clipNorm, codeClipNorm, freezeCodeAfter, validationEbN0
        case validationWords
        case batchSize = "batch"
    }

    /// Throws a `SettingsError` for settings that cannot run, naming the field.
    public func validate() throws {
        func fail(_ s: String) -> SettingsError { SettingsError("learn-code: \(s)") }
        do { try LearnedCodeModel.checkSizes(n: n, k: k, layers: layers, width: width, heads: heads) } catch let e
            as LearnedCodeError
        {
            throw SettingsError(e.message)
        }
        try validateRun("learn-code")
        guard !trainEbN0.isEmpty, trainEbN0.allSatisfy({ $0.isFinite && abs($0) <= 40 }) else {
            throw fail("--train-ebn0 needs finite values in −40…40 dB")
        }
        if let c = codeClipNorm, !(c.isFinite && c > 0) { throw fail("--code-clip \(c) must be positive") }
        if let f = freezeCodeAfter, f < 0 { throw fail("--freeze-code-after \(f) must be ≥ 0") }
        guard validationEbN0.allSatisfy({ $0.isFinite && abs($0) <= 40 }) else {
            throw fail("--validation-ebn0 needs finite values")
        }
        guard (0...10_000_000).contains(validationWords) else { throw fail("--validation-words must be in 0…10000000") }
    }
}

/// One epoch: mean loss and training BER, time, how many bits of P changed, the validation −ln(BER) per Eb/N0.
public struct LearnedCodeEpoch: Codable, Sendable, Equatable {
    public var epoch: Int
    public var loss: Double
    public var trainingBER: Double
    public var seconds: Double
    public var samples: Int
    /// Entries of P that differ from the previous epoch's end.
    public var codeChanges: Int
    public var validationEbN0: [Double]
    public var negLnBER: [Double]
}
