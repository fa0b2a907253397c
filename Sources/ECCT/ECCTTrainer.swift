import Base
import Channels
import Codes
import Dispatch
import Foundation
import Neural

/// An ECCT or AECCT training run: the run layer (`TrainingRun`) with the ECCT recipe.
public typealias ECCTTrainer = TrainingRun<ECCTRecipe>
/// Where an ECCT run is (steps, seconds, curve, the unfinished epoch's sums).
public typealias ECCTTrainingState = RunState<ECCTEpochRecord, NoEpochContext>

/// The ECCT's training recipe (docs/DESIGN.md §3): BCE-with-logits of −f against the flip target on zero-codeword AWGN
/// samples (or fixed datasets, optionally permuted by automorphisms), attention dropout; validation BER on fixed words.
///
/// Reproducible: the batch of global step s is drawn from `SeededRNG(seed).derived(s)`, dropout from (seed, s).
public final class ECCTRecipe: TrainingRecipe, @unchecked Sendable {
    public let model: ECCTModel
    public let settings: ECCTTrainingConfig
    let graph: TannerGraph
    /// The fixed datasets of `settings.dataset` (comma-separated folders), the samples each gives a batch
    /// (`settings.batchMix`), and the visiting orders of the current epoch.
    let datasets: [ECCTDataset]
    let shares: [Int]
    private var orders: (epoch: Int, indices: [[Int]])?
    /// Automorphisms of `settings.augment` (identity first), or empty.
    let automorphisms: [[Int]]
    /// Fixed validation words [validationWords, n] per validation point, the same for every run.
    private var validationSets: [[Float]] = []
    /// Validation decodes as `eccbench` will: a model trained on non-zero syndromes only passes codewords through.
    private lazy var validationDecoder = ECCTDecoder(
        model: model, chunk: 256, gatesCodewords: settings.rejectZeroSyndrome == true)
    /// The teacher of `settings.distillFrom` (evaluation mode), or nil.
    let teacher: ECCTModel?

    public init(model: ECCTModel, settings config: ECCTTrainingConfig) throws {
        try config.validate()
        self.model = model
        self.graph = model.code.tannerGraph
        let folders =
            config.dataset.map {
                $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            } ?? []
        self.datasets = try folders.map { try ECCTDataset.read(folder: $0, code: model.code) }
        self.shares = ECCTTrainingConfig.shares(
            batch: config.batchSize, weights: config.batchMix ?? folders.map { _ in 1 })
        switch config.augment {
        case nil: automorphisms = []
        case "automorphisms"?: automorphisms = try Automorphisms.group(for: model.code)
        case let path?: automorphisms = try Automorphisms.read(path: path, code: model.code)
        }
        self.settings = config
        self.teacher = try config.distillFrom.map { try Self.loadTeacher(path: $0, code: model.code) }
        guard model.architecture == config.modelArchitecture else {
            throw SettingsError(
                "training: the model is \(model.architecture), the settings train \(config.modelArchitecture)")
        }
    }

    public var network: ECCTNetwork { model.network }
    public static let checkpointFormat = ECCTCheckpoint.format

    public func checkpointMetadata() -> [String: String] { ECCTCheckpoint.metadata(of: model) }
    public func extraTensors() -> [String: Tensor] { ECCTCheckpoint.extraTensors(of: model) }

    /// The reference's batch-wide activation scales couple every sample of the batch: one slice, one worker.
    var wholeBatch: Bool { model.architecture == .aecct(.qat, .tensor) }
    public func workers(requested: Int) -> Int { wholeBatch ? 1 : max(1, min(requested, settings.batchSize)) }
    public var microBatch: Int { wholeBatch ? settings.batchSize : 8 }

    public func batch(step s: Int) -> (input: [Float], targets: [Float]) {
        let (y, targets) = samples(step: s)
        let (input, plain) = automorphisms.isEmpty ? (y, targets) : augmented(y, targets, step: s)
        return (input, distilled(plain, input: input))
    }

    /// Channel outputs y [B, n] and targets [B, n] (1 = not flipped, so BCE(f, 1 − flip) = BCE(−f, flip)) of step s:
    /// fresh zero-codeword samples drawn from (seed, s), or the step's share of the fixed dataset.
    func samples(step s: Int) -> (y: [Float], targets: [Float]) {
        let B = settings.batchSize
        let config = settings
        if !datasets.isEmpty {
            let epoch = s / config.stepsPerEpoch
            let within = s % config.stepsPerEpoch
            let n = model.code.n
            if orders?.epoch != epoch {
                orders = (
                    epoch,
                    datasets.enumerated().map { i, d in d.epochOrder(epoch: epoch, seed: config.seed &+ UInt64(i)) }
                )
            }
            var y = [Float](repeating: 0, count: B * n)
            var targets = y
            var b = 0
            for (k, dataset) in datasets.enumerated() {
                for r in 0..<shares[k] {
                    let i = orders!.indices[k][(within * shares[k] + r) % dataset.count]
                    for j in 0..<n {
                        y[b * n + j] = dataset.y[i * n + j]
                        targets[b * n + j] = 1 - dataset.flips[i * n + j]
                    }
                    b += 1
                }
            }
            return (y, targets)
        }
        var rng = SeededRNG(seed: config.seed).derived(UInt64(s))
        let y =
            config.rejectZeroSyndrome == true
            ? ECCTData.channelOutputsWithErrors(
                code: model.code, graph: graph, count: B, ebN0: config.trainingEbN0, rng: &rng)
            : ECCTData.channelOutputs(code: model.code, count: B, ebN0: config.trainingEbN0, rng: &rng)
        return (y, y.map { $0 > 0 ? Float(1) : 0 })
    }

    /// Each sample permuted by an automorphism π drawn from (seed, step): y′_j = y_{π(j)}, and the targets alike.
    func augmented(_ y: [Float], _ targets: [Float], step s: Int) -> (y: [Float], targets: [Float]) {
        let n = model.code.n
        let B = y.count / n
        var rng = SeededRNG(seed: settings.seed ^ 0xA067_0AF1).derived(UInt64(s))
        var py = y
        var pt = targets
        for b in 0..<B {
            let π = automorphisms[Int(rng.next() % UInt64(automorphisms.count))]
            for j in 0..<n {
                py[b * n + j] = y[b * n + π[j]]
                pt[b * n + j] = targets[b * n + π[j]]
            }
        }
        return (py, pt)
    }

    /// A decision x̂_j is wrong where the sign of the logit differs from the sign of y_j (f < 0: flip).
    public func bitErrors(input y: [Float], targets: [Float], logits f: [Float]) -> (errors: Int, bits: Int) {
        var errors = 0
        for i in 0..<y.count where (f[i] < 0) != (y[i] < 0) { errors += 1 }
        return (errors, y.count)
    }

    public func endEpoch(_ s: EpochSummary, context: NoEpochContext?) throws -> ECCTEpochRecord {
        ECCTEpochRecord(
            epoch: s.epoch, samples: s.samples, loss: s.loss, trainBER: s.trainBER,
            learningRate: s.learningRate, validationBER: validate(workers: s.workers), seconds: s.runSeconds)
    }

    /// Validation BER at each `validationEbN0` on the fixed validation words (evaluation mode, on `workers` threads).
    public func validate(workers: Int) -> [Double] {
        let V = settings.validationWords
        let n = model.code.n
        guard V > 0 else { return [] }
        model.prepare()
        if validationSets.isEmpty {
            validationSets = settings.validationEbN0.enumerated().map { i, e in
                var rng = SeededRNG(seed: 0x7661_6C69_6461_7465).derived(UInt64(i))
                return ECCTData.channelOutputs(code: model.code, count: V, ebN0: [e], rng: &rng)
            }
        }
        let decoder = validationDecoder
        // the ranks of a job each decode a contiguous share of the words and the bit errors are summed (exact)
        let group = Ranks.world
        let own = group.share(of: V)
        let parts = max(1, min(workers, own.count))
        let errors = validationSets.map { y -> Int in
            var bits = [UInt8](repeating: 0, count: own.count * n)
            guard !own.isEmpty else { return 0 }
            y.withUnsafeBufferPointer { yp in
                bits.withUnsafeMutableBufferPointer { bp in
                    let box = UnsafeSendable((y: yp, bits: bp))
                    DispatchQueue.concurrentPerform(iterations: parts) { w in
                        let start = own.count * w / parts
                        let end = own.count * (w + 1) / parts
                        let (yy, bb) = box.value
                        let first = own.lowerBound
                        decoder.decode(
                            llr: UnsafeBufferPointer(rebasing: yy[((first + start) * n)..<((first + end) * n)]),
                            count: end - start,
                            into: UnsafeMutableBufferPointer(rebasing: bb[(start * n)..<(end * n)]))
                    }
                }
            }
            return bits.reduce(0) { $0 + Int($1) }
        }
        return group.sum(errors).map { Double($0) / Double(V * n) }
    }

    /// The learning curve's columns: epoch, samples, loss, train BER, lr, −ln(BER) per validation point, seconds.
    public var curveColumns: [String] {
        ["epoch", "samples", "loss", "train_ber", "lr"]
            + settings.validationEbN0.map { String(format: "neg_ln_ber_%gdB", $0) }
            + ["seconds"]
    }

    public func curveRow(_ r: ECCTEpochRecord) -> [String] {
        [
            String(r.epoch), String(r.samples), String(format: "%.6f", r.loss), String(format: "%.4e", r.trainBER),
            String(format: "%.3e", r.learningRate),
        ] + r.validationBER.map { String(format: "%.4f", -log($0)) }
            + [String(format: "%.1f", r.seconds)]
    }
}

extension TrainingRun where Recipe == ECCTRecipe {
    /// Channel outputs y [B, n] and targets [B, n] of global step s.
    public func batch(step s: Int) -> (y: [Float], targets: [Float]) {
        let (y, t) = recipe.batch(step: s)
        return (y, t)
    }
    /// Validation BER at each validation point (evaluation mode).
    public func validate() -> [Double] { recipe.validate(workers: workers) }
}
