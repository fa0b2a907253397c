import Base
import Foundation
import Neural

/// Settings of a learned-code run (DESIGN.md §7): the code's size, the decoder's, the recipe (Adam, cosine per epoch,
/// batches of all-ones messages with each word's Eb/N0 drawn from the grid), Ω's own gradient clip and an optional
/// freeze of Ω after a number of steps, and the per-epoch validation. Stored in every checkpoint.
public struct LearnedCodeTrainingConfig: Codable, Sendable, Equatable, EpochCosineSchedule {
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
    public var batch: Int = 128
    public var learningRate: Float = 5e-4
    public var minimumLearningRate: Float = 1e-6
    public var seed: UInt64 = 1
    /// Ω's gradient-norm clip (its own parameter group), or nil.
    public var codeClipNorm: Float? = nil
    /// Freeze Ω (no further updates) from this global step on, or nil.
    public var freezeCodeAfter: Int? = nil
    /// Validation after each epoch: −ln(BER) of the joint decoder on the current code, fixed noise.
    public var validationEbN0: [Double] = [4, 5, 6]
    public var validationWords: Int = 20_000

    public init(n: Int, k: Int, layers: Int, width: Int, epochs: Int, stepsPerEpoch: Int) {
        self.n = n; self.k = k; self.layers = layers; self.width = width; self.epochs = epochs; self.stepsPerEpoch = stepsPerEpoch
    }

    /// Throws for settings that cannot run, naming the option.
    public func validate() throws {
        func fail(_ s: String) -> LearnedCodeError { LearnedCodeError("learn-code: \(s)") }
        try LearnedCodeModel.checkSizes(n: n, k: k, layers: layers, width: width, heads: heads)
        guard !trainEbN0.isEmpty, trainEbN0.allSatisfy({ $0.isFinite && abs($0) <= 40 }) else {
            throw fail("--train-ebn0 needs finite values in −40…40 dB")
        }
        guard (1...100_000).contains(epochs) else { throw fail("--epochs must be in 1…100000") }
        guard (1...1_000_000).contains(stepsPerEpoch) else { throw fail("--steps-per-epoch must be in 1…1000000") }
        guard (1...65_536).contains(batch) else { throw fail("--batch must be in 1…65536") }
        guard learningRate.isFinite, learningRate > 0, minimumLearningRate >= 0, minimumLearningRate <= learningRate else {
            throw fail("need 0 ≤ --min-lr ≤ --lr")
        }
        if let c = codeClipNorm, !(c.isFinite && c > 0) { throw fail("--code-clip \(c) must be positive") }
        if let f = freezeCodeAfter, f < 0 { throw fail("--freeze-code-after \(f) must be ≥ 0") }
        guard validationEbN0.allSatisfy({ $0.isFinite && abs($0) <= 40 }) else { throw fail("--validation-ebn0 needs finite values") }
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

/// Where a run stands.
public struct LearnedCodeTrainingState: Codable, Sendable, Equatable {
    public var epochsDone = 0
    public var step = 0
    public var curve: [LearnedCodeEpoch] = []
    public init() {}
}
