import Base
import Foundation
import Neural

/// A neural quantum decoder training run: the run layer (`TrainingRun`) with the DQEC recipe.
public typealias DQECTrainer = TrainingRun<DQECRecipe>
/// Where a neural quantum decoder run is.
public typealias DQECTrainingState = RunState<DQECEpoch, NoEpochContext>

/// The neural quantum decoder's recipe (docs/DESIGN.md §9): every step draws a batch of shots (each sample's p from the
/// grid; sample i of step t from the stream `SeededRNG(seed).derived(t).derived(i)`, so batches do not depend on the
/// thread count); after each epoch it validates on fixed shots beside mwpm.
public final class DQECRecipe: TrainingRecipe, @unchecked Sendable {
    public let model: DQECModel
    public let settings: DQECTrainingConfig
    let samplers: [NoiseSampler]

    public init(model: DQECModel, settings config: DQECTrainingConfig) throws {
        try config.validate()
        self.model = model
        self.settings = config
        samplers = try config.trainP.map {
            try NoiseSampler(problem: model.problem, p: $0, nonzeroOnly: config.nonzeroOnly)
        }
    }

    public var network: DQECNetwork { model.network }
    public static let checkpointFormat = DQECCheckpoint.format

    public func checkpointMetadata() -> [String: String] {
        [
            "code": model.problem.code.name, "noise": model.problem.noise.rawValue,
            "rounds": String(model.problem.rounds),
            "layers": String(model.layers), "width": String(model.width), "heads": String(model.heads),
        ]
    }

    /// Inputs (±1 detection syndromes [T·m]) and targets (the final errors) of step t.
    public func batch(step t: Int) -> (input: [Float], targets: [Float]) {
        let problem = model.problem
        let B = settings.batchSize
        let N = problem.errorLength
        let M = problem.rounds * problem.syndromeLength
        var input = [Float](repeating: 0, count: B * M)
        var targets = [Float](repeating: 0, count: B * N)
        var e = [UInt8](repeating: 0, count: N)
        var d = [UInt8](repeating: 0, count: M)
        let stepRNG = SeededRNG(seed: settings.seed).derived(UInt64(t))
        for i in 0..<B {
            var rng = stepRNG.derived(UInt64(i))
            let sampler = samplers[Int(rng.next() % UInt64(samplers.count))]
            e.withUnsafeMutableBufferPointer { eb in
                d.withUnsafeMutableBufferPointer { sampler.sample(count: 1, rng: &rng, errors: eb, detections: $0) }
            }
            for j in 0..<M { input[i * M + j] = d[j] == 0 ? 1 : -1 }
            for j in 0..<N { targets[i * N + j] = Float(e[j]) }
        }
        return (input, targets)
    }

    public func endEpoch(_ s: EpochSummary, context: NoEpochContext?) throws -> DQECEpoch {
        let (neural, matching) = try validate()
        return DQECEpoch(
            epoch: s.epoch, loss: s.loss, seconds: s.trainingSeconds, samples: s.samplesPerEpoch,
            validationP: settings.validationP, neuralLER: neural, matchingLER: matching)
    }

    /// LER of the network and of mwpm at each validation p on the same fixed shots (seed 2024 + p's index).
    public func validate() throws -> (neural: [Double], matching: [Double]) {
        guard settings.validationShots > 0 else { return ([], []) }
        var cfg = LERConfig(shots: settings.validationShots, seed: 2024)
        cfg.blockSize = 512
        let sim = LogicalErrorSimulation(problem: model.problem, config: cfg)
        let neural = NeuralQuantumDecoder(model: model)
        var a: [Double] = []
        var b: [Double] = []
        for (i, p) in settings.validationP.enumerated() {
            a.append(try sim.run(decoder: neural, p: p, pointIndex: i).ler)
            b.append(try sim.run(decoder: try MatchingDecoder(problem: model.problem, p: p), p: p, pointIndex: i).ler)
        }
        return (a, b)
    }

    /// The learning curve's columns: epoch, loss, seconds (training), samples, then neural and mwpm LER per validation p.
    public var curveColumns: [String] {
        ["epoch", "loss", "seconds", "samples"]
            + settings.validationP.flatMap {
                [String(format: "neural_ler_p%g", $0), String(format: "mwpm_ler_p%g", $0)]
            }
    }

    public func curveRow(_ r: DQECEpoch) -> [String] {
        [String(r.epoch), String(format: "%.6f", r.loss), String(format: "%.1f", r.seconds), String(r.samples)]
            + zip(r.neuralLER, r.matchingLER).flatMap { [String(format: "%.5f", $0), String(format: "%.5f", $1)] }
    }
}

extension TrainingRun where Recipe == DQECRecipe {
    func batch(step t: Int) -> (input: [Float], targets: [Float]) { recipe.batch(step: t) }
}
