import Base
import Channels
import Codes
import Dispatch
import Foundation
import Neural

/// Trains an `ECCTModel` with the reference recipe (DESIGN.md §3): BCE-with-logits of −f against the flip
/// target on zero-codeword AWGN samples, Adam, cosine annealing per epoch, attention dropout.
///
/// Reproducible and resumable: the batch of global step s is drawn from `SeededRNG(seed).derived(s)`, dropout
/// from (seed, s), the learning rate from the epoch s / stepsPerEpoch, and a checkpoint holds the weights, Adam's
/// moments and step, and the state. Resuming from the checkpoint of step s therefore continues exactly as the
/// uninterrupted run would have (with the same worker count; other counts change only the summation order of
/// the per-worker gradients).
public final class ECCTTrainer {
    public let model: ECCTModel
    public let config: ECCTTrainingConfig
    public private(set) var state: ECCTTrainingState
    public let workers: Int
    let trainer: DataParallelTrainer<ECCTNetwork>
    let graph: TannerGraph
    /// The fixed datasets of `config.dataset` (comma-separated folders), the samples each gives a batch
    /// (`config.batchMix`), and the visiting orders of the current epoch.
    let datasets: [ECCTDataset]
    let shares: [Int]
    private var orders: (epoch: Int, indices: [[Int]])?
    /// Automorphisms of `config.augment` (identity first), or empty.
    let automorphisms: [[Int]]
    /// Fixed validation words [validationWords, n] per validation point, the same for every run.
    private var validationSets: [[Float]] = []
    private lazy var validationDecoder = ECCTDecoder(model: model, chunk: 256)

    public enum Event {
        /// After each step: the step's loss, the samples/s of this session so far.
        case step(step: Int, loss: Float, epochLoss: Double, epochBER: Double, samplesPerSecond: Double)
        case epoch(ECCTEpochRecord)
        case checkpoint(path: String)
    }

    public enum Outcome: Equatable { case finished, outOfTime }

    public init(model: ECCTModel, config: ECCTTrainingConfig, workers: Int, state: ECCTTrainingState = .init(),
                optimizer: Adam? = nil) throws {
        try config.validate()
        guard workers >= 1 else { throw SettingsError("training: workers \(workers) must be at least 1") }
        self.model = model
        self.graph = model.code.tannerGraph
        let folders = config.dataset.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
        self.datasets = try folders.map { try ECCTDataset.read(folder: $0, code: model.code) }
        self.shares = ECCTTrainingConfig.shares(batch: config.batchSize, weights: config.batchMix ?? folders.map { _ in 1 })
        switch config.augment {
        case nil: automorphisms = []
        case "automorphisms"?: automorphisms = try Automorphisms.group(for: model.code)
        case let path?: automorphisms = try Automorphisms.read(path: path, code: model.code)
        }
        self.config = config
        self.state = state
        guard model.architecture == config.modelArchitecture else {
            throw SettingsError("training: the model is \(model.architecture), the settings train \(config.modelArchitecture)")
        }
        // the reference's batch-wide activation scales couple every sample of the batch: one slice, one worker
        let wholeBatch = model.architecture == .aecct(.qat, .tensor)
        self.workers = wholeBatch ? 1 : min(workers, config.batchSize)
        var adam = optimizer ?? config.makeOptimizer()
        adam.learningRate = config.learningRate(step: state.step)
        trainer = DataParallelTrainer(network: model.network, batch: config.batchSize, workers: self.workers, optimizer: adam,
                                      microBatch: wholeBatch ? config.batchSize : 8)
        trainer.clipNorm = config.clipNorm
    }

    public var optimizer: Adam { trainer.optimizer }
    public var totalSteps: Int { config.epochs * config.stepsPerEpoch }
    public var samplesSeen: Int { state.step * config.batchSize }

    /// Channel outputs y [B, n] and targets [B, n] (1 = not flipped, so BCE(f, 1 − flip) = BCE(−f, flip)) of step s:
    /// fresh zero-codeword samples drawn from (seed, s), or the step's share of the fixed dataset.
    public func batch(step s: Int) -> (y: [Float], targets: [Float]) {
        let (y, targets) = samples(step: s)
        return automorphisms.isEmpty ? (y, targets) : augmented(y, targets, step: s)
    }

    func samples(step s: Int) -> (y: [Float], targets: [Float]) {
        let B = config.batchSize
        if !datasets.isEmpty {
            let epoch = s / config.stepsPerEpoch, within = s % config.stepsPerEpoch, n = model.code.n
            if orders?.epoch != epoch {
                orders = (epoch, datasets.enumerated().map { i, d in d.epochOrder(epoch: epoch, seed: config.seed &+ UInt64(i)) })
            }
            var y = [Float](repeating: 0, count: B * n), targets = y
            var b = 0
            for (k, dataset) in datasets.enumerated() {
                for r in 0..<shares[k] {
                    let i = orders!.indices[k][(within * shares[k] + r) % dataset.count]
                    for j in 0..<n { y[b * n + j] = dataset.y[i * n + j]; targets[b * n + j] = 1 - dataset.flips[i * n + j] }
                    b += 1
                }
            }
            return (y, targets)
        }
        var rng = SeededRNG(seed: config.seed).derived(UInt64(s))
        let y = config.rejectZeroSyndrome == true
            ? ECCTData.channelOutputsWithErrors(code: model.code, graph: graph, count: B, ebN0: config.trainingEbN0, rng: &rng)
            : ECCTData.channelOutputs(code: model.code, count: B, ebN0: config.trainingEbN0, rng: &rng)
        return (y, y.map { $0 > 0 ? Float(1) : 0 })
    }

    /// Each sample permuted by an automorphism π drawn from (seed, step): y′_j = y_{π(j)}, and the targets alike.
    func augmented(_ y: [Float], _ targets: [Float], step s: Int) -> (y: [Float], targets: [Float]) {
        let n = model.code.n, B = y.count / n
        var rng = SeededRNG(seed: config.seed ^ 0xA067_0AF1).derived(UInt64(s))
        var py = y, pt = targets
        for b in 0..<B {
            let π = automorphisms[Int(rng.next() % UInt64(automorphisms.count))]
            for j in 0..<n { py[b * n + j] = y[b * n + π[j]]; pt[b * n + j] = targets[b * n + π[j]] }
        }
        return (py, pt)
    }

    /// One optimisation step; returns the loss and the bit errors of the step's decisions. Throws a
    /// `TrainingError` when the loss or a gradient is not finite: the step is then not taken (weights, Adam's
    /// state and the run's state stay as they were before it).
    @discardableResult
    public func step() throws -> (loss: Float, bitErrors: Int) {
        trainer.optimizer.learningRate = config.learningRate(step: state.step)
        let (y, targets) = batch(step: state.step)
        let loss = trainer.step(input: y, targets: targets, seed: config.seed, step: UInt64(state.step))
        switch trainer.lastUpdate {
        case .applied: break
        case .skippedNonFiniteLoss:
            throw TrainingError(step: state.step + 1, "the loss is \(loss) (learning rate \(trainer.optimizer.learningRate))")
        case .skippedNonFiniteGradient(let i):
            let name = model.network.parameters.entries.last { $0.offset <= i }?.name ?? "?"
            throw TrainingError(step: state.step + 1, "the gradient of '\(name)' is not finite (loss \(loss), learning rate "
                                + "\(trainer.optimizer.learningRate))")
        }
        var errors = 0
        let f = trainer.logits
        for i in 0..<y.count where (f[i] < 0) != (y[i] < 0) { errors += 1 }
        state.step += 1
        state.epochLoss += Double(loss)
        state.epochBitErrors += errors
        state.epochBits += y.count
        return (loss, errors)
    }

    /// Validation BER at each `validationEbN0` on the fixed validation words (evaluation mode, all workers).
    public func validate() -> [Double] {
        let V = config.validationWords, n = model.code.n
        guard V > 0 else { return [] }
        model.prepare()
        if validationSets.isEmpty {
            validationSets = config.validationEbN0.enumerated().map { i, e in
                var rng = SeededRNG(seed: 0x7661_6C69_6461_7465).derived(UInt64(i))
                return ECCTData.channelOutputs(code: model.code, count: V, ebN0: [e], rng: &rng)
            }
        }
        let decoder = validationDecoder
        let parts = min(workers, V)
        return validationSets.map { y in
            var bits = [UInt8](repeating: 0, count: V * n)
            y.withUnsafeBufferPointer { yp in
                bits.withUnsafeMutableBufferPointer { bp in
                    let shared = (y: yp, bits: bp)
                    let box = UnsafeSendable(shared)
                    DispatchQueue.concurrentPerform(iterations: parts) { w in
                        let start = V * w / parts, end = V * (w + 1) / parts
                        let (yy, bb) = box.value
                        decoder.decode(llr: UnsafeBufferPointer(rebasing: yy[(start * n)..<(end * n)]), count: end - start,
                                       into: UnsafeMutableBufferPointer(rebasing: bb[(start * n)..<(end * n)]))
                    }
                }
            }
            return Double(bits.reduce(0) { $0 + Int($1) }) / Double(V * n)
        }
    }

    /// Train until `totalSteps` or the deadline. Writes a checkpoint after every epoch and when the deadline
    /// stops the run (atomically, so a kill at any moment leaves the previous checkpoint intact).
    public func train(deadline: Date? = nil, checkpoint path: String?, report: (Event) -> Void = { _ in }) throws -> Outcome {
        let sessionStart = Date(), stepsAtStart = state.step
        var lastClock = Date()
        func tick() { let now = Date(); state.seconds += now.timeIntervalSince(lastClock); lastClock = now }
        while state.step < totalSteps {
            let (loss, _) = try step()
            let inEpoch = (state.step - 1) % config.stepsPerEpoch + 1
            let rate = Double((state.step - stepsAtStart) * config.batchSize) / max(1e-9, Date().timeIntervalSince(sessionStart))
            report(.step(step: state.step, loss: loss, epochLoss: state.epochLoss / Double(inEpoch),
                         epochBER: Double(state.epochBitErrors) / Double(max(1, state.epochBits)), samplesPerSecond: rate))
            if state.step % config.stepsPerEpoch == 0 {
                let validation = validate()
                tick()
                let record = ECCTEpochRecord(
                    epoch: state.step / config.stepsPerEpoch, samples: samplesSeen,
                    loss: state.epochLoss / Double(config.stepsPerEpoch),
                    trainBER: Double(state.epochBitErrors) / Double(max(1, state.epochBits)),
                    learningRate: trainer.optimizer.learningRate, validationBER: validation, seconds: state.seconds)
                state.curve.append(record)
                state.epochLoss = 0; state.epochBitErrors = 0; state.epochBits = 0
                report(.epoch(record))
                if let path { try save(to: path); report(.checkpoint(path: path)) }
            }
            if let deadline, Date() >= deadline, state.step < totalSteps {
                tick()
                if let path { try save(to: path); report(.checkpoint(path: path)) }
                return .outOfTime
            }
        }
        tick()
        return .finished
    }
}

/// Training stopped because it diverged: the loss or a gradient is not finite. The step that produced it was not
/// taken, and no checkpoint was written after it, so the last checkpoint on disk is the last good state.
public struct TrainingError: Error, CustomStringConvertible, Equatable {
    public let step: Int
    public let message: String
    public init(step: Int, _ message: String) { self.step = step; self.message = message }
    public var description: String {
        "training diverged at step \(step): \(message); the step was not taken and the last checkpoint is kept. "
            + "Lower --lr or set --clip."
    }
}
