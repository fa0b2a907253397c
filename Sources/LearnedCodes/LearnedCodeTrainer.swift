import Base
import Channels
import Dispatch
import Foundation
import Neural

/// Trains a learned code and its decoder together (DESIGN.md §7): every step draws noise for a batch of all-ones
/// messages (word i of step t from `SeededRNG(seed).derived(t).derived(i)`, its Eb/N0 drawn from the grid, so batches
/// do not depend on the thread count) and runs one data-parallel Adam step over all parameters, Ω in its own group
/// (own clip; frozen from `freezeCodeAfter`). The learning rate follows the cosine schedule per epoch. After each
/// epoch it validates −ln(BER) on fixed noise. A resumed run ends with the weights of an uninterrupted one.
public final class LearnedCodeTrainer: @unchecked Sendable {
    public let model: LearnedCodeModel
    public let config: LearnedCodeTrainingConfig
    public private(set) var state: LearnedCodeTrainingState
    let trainer: DataParallelTrainer<DCECCTNetwork>
    let sigmas: [Float]
    public var optimizer: Adam { trainer.optimizer }

    public init(model: LearnedCodeModel, config: LearnedCodeTrainingConfig, workers: Int,
                state: LearnedCodeTrainingState = .init(), optimizer: Adam? = nil) throws {
        try config.validate()
        guard model.n == config.n, model.k == config.k else {
            throw LearnedCodeError("learn-code: the model is (\(model.n), \(model.k)), the settings say (\(config.n), \(config.k))")
        }
        self.model = model
        self.config = config
        self.state = state
        let rate = Double(config.k) / Double(config.n)
        sigmas = config.trainEbN0.map { Float(awgnSigma(ebN0dB: $0, rate: rate)) }
        trainer = DataParallelTrainer(network: model.network, batch: config.batch, workers: workers,
                                      optimizer: optimizer ?? Adam(learningRate: config.learningRate))
        updateGroups()
    }

    func updateGroups() {
        let frozen = config.freezeCodeAfter.map { state.step >= $0 } ?? false
        trainer.groups = [ParameterGroup.named("code", in: model.network.parameters, trainable: !frozen,
                                               clipNorm: config.codeClipNorm, where: { $0 == DCECCTNames.omega })]
    }

    /// Noise [B, n] and messages (all ones) [B, k] of step t.
    func batch(step t: Int) -> (noise: [Float], messages: [Float]) {
        let B = config.batch, n = config.n
        var noise = [Float](repeating: 0, count: B * n), row = [Float](repeating: 0, count: n)
        let stepRNG = SeededRNG(seed: config.seed).derived(UInt64(t))
        for i in 0..<B {
            var rng = stepRNG.derived(UInt64(i))
            let sigma = sigmas[Int(rng.next() % UInt64(sigmas.count))]
            var gauss = GaussianGenerator(using: &rng)
            gauss.fill(&row)
            for j in 0..<n { noise[i * n + j] = sigma * row[j] }
        }
        return (noise, [Float](repeating: 1, count: B * config.k))
    }

    /// Run epochs until `config.epochs`, or stop after the epoch during which `minutes` ran out.
    public func train(minutes: Double? = nil, afterEpoch: (LearnedCodeEpoch) throws -> Void = { _ in }) throws {
        let start = Date()
        while state.epochsDone < config.epochs {
            let epochStart = Date(), before = model.code.parity
            trainer.optimizer.learningRate = config.learningRate(epoch: state.epochsDone)
            var loss = 0.0, errors = 0
            for _ in 0..<config.stepsPerEpoch {
                updateGroups()
                let (z, msg) = batch(step: state.step)
                loss += Double(trainer.step(input: z, targets: msg, seed: config.seed, step: UInt64(state.step)))
                errors += trainingBitErrors(noise: z)
                state.step += 1
            }
            model.network.parameters.values.withUnsafeBufferPointer { model.network.prepare(parameters: $0.baseAddress!) }
            let changes = zip(before, model.code.parity).filter { $0 != $1 }.count
            let bits = Double(config.stepsPerEpoch * config.batch * config.n)
            let record = LearnedCodeEpoch(epoch: state.epochsDone + 1, loss: loss / Double(config.stepsPerEpoch),
                                          trainingBER: Double(errors) / bits, seconds: Date().timeIntervalSince(epochStart),
                                          samples: config.stepsPerEpoch * config.batch, codeChanges: changes,
                                          validationEbN0: config.validationEbN0, negLnBER: validate())
            state.curve.append(record)
            state.epochsDone += 1
            try afterEpoch(record)
            if let minutes, Date().timeIntervalSince(start) > minutes * 60 { break }
        }
    }

    /// Bit errors of the last step's decisions: x̂ wrong where the logit's sign says "not flipped" on a flipped bit or
    /// the reverse (the trainer's logits f = −z; the noise flips bit j of the all-ones codeword where x_s·z < −1).
    func trainingBitErrors(noise: [Float]) -> Int {
        let logits = trainer.logits, n = config.n, network = model.network
        // x_s of the all-ones message under the code of the step (before its update: the network's prepared G)
        var xs = [Float](repeating: 0, count: n)
        let ones = [Float](repeating: 1, count: network.k)
        ones.withUnsafeBufferPointer { m in
            xs.withUnsafeMutableBufferPointer { network.encode(messages: m.baseAddress!, count: 1, into: $0.baseAddress!) }
        }
        var errors = 0
        for i in 0..<logits.count {
            let flipped = (xs[i % n] + noise[i]) * xs[i % n] < 0
            if (logits[i] < 0) != flipped { errors += 1 }
        }
        return errors
    }

    /// −ln(BER) of the joint decoder on the current code at each validation Eb/N0 (the zero codeword — the decoder
    /// reads |y| and the syndrome, so any codeword gives the same errors; noise seeded 2024 + the point's index).
    public func validate() -> [Double] {
        guard config.validationWords > 0 else { return [] }
        return config.validationEbN0.enumerated().map { i, ebN0 in
            let ber = LearnedCodeEvaluation.bitErrorRate(model: model, ebN0: ebN0, words: config.validationWords,
                                                         seed: 2024 + UInt64(i))
            return -log(max(ber, 1e-300))
        }
    }
}
