import Base
import Foundation
import Neural

/// A neural quantum decoder training run: the run layer (`TrainingRun`) with the DQEC recipe.
public typealias DQECTrainer = TrainingRun<DQECRecipe>
/// Where a neural quantum decoder run is.
public typealias DQECTrainingState = RunState<DQECEpoch, NoEpochContext>

/// The neural quantum decoder's recipe (docs/DESIGN.md §9): every step draws a batch of shots (each sample's p from the
/// grid; sample i of step t from the stream `SeededRNG(seed).derived(t).derived(i)`, so batches do not depend on the
/// thread count); after each epoch it validates on fixed shots beside mwpm. On a detector error model the grid holds
/// factors on the priors (as `--scale-p`), the targets are the mechanisms that fired, and validation samples the DEM.
public final class DQECRecipe: TrainingRecipe, @unchecked Sendable {
    public let model: DQECModel
    public let settings: DQECTrainingConfig
    /// One sampler per training p: the code's noise, or the DEM with its priors scaled.
    enum Samplers {
        case code([NoiseSampler])
        case detectorErrorModel([DetectorErrorModelSampler])
        var count: Int {
            switch self {
            case .code(let s): s.count
            case .detectorErrorModel(let s): s.count
            }
        }
    }
    let samplers: Samplers

    public init(model: DQECModel, settings config: DQECTrainingConfig) throws {
        try config.validate()
        self.model = model
        self.settings = config
        switch model.target {
        case .code(let problem):
            samplers = .code(
                try config.trainP.map { try NoiseSampler(problem: problem, p: $0, nonzeroOnly: config.nonzeroOnly) })
        case .detectorErrorModel(let dem):
            samplers = .detectorErrorModel(
                try config.trainP.map { DetectorErrorModelSampler(model: try dem.scalingPriors(by: $0)) })
        }
    }

    public var network: DQECNetwork { model.network }
    public static let checkpointFormat = DQECCheckpoint.format

    public func checkpointMetadata() -> [String: String] {
        var meta = [
            "rounds": String(model.target.rounds), "layers": String(model.layers), "width": String(model.width),
            "heads": String(model.heads),
        ]
        switch model.target {
        case .code(let problem):
            meta["code"] = problem.code.name
            meta["noise"] = problem.noise.rawValue
        case .detectorErrorModel(let dem):
            meta["code"] = "dem"
            meta["noise"] = PauliNoise.circuit.rawValue
            meta["dem"] = dem.structureFingerprint
            meta["dem-source"] = dem.source
            meta["dem-priors"] = dem.priorsText
        }
        return meta
    }

    /// Inputs (±1 detection syndromes [T·m]) and targets (the final errors, or the mechanisms that fired) of step t.
    public func batch(step t: Int) -> (input: [Float], targets: [Float]) {
        let B = settings.batchSize
        let N = model.target.errorLength
        let M = model.target.rounds * model.target.syndromeLength
        var input = [Float](repeating: 0, count: B * M)
        var targets = [Float](repeating: 0, count: B * N)
        var e = [UInt8](repeating: 0, count: N)
        var d = [UInt8](repeating: 0, count: M)
        var flips = [UInt8](repeating: 0, count: max(1, model.network.logical.supports.count))
        let stepRNG = SeededRNG(seed: settings.seed).derived(UInt64(t))
        for i in 0..<B {
            var rng = stepRNG.derived(UInt64(i))
            let pick = Int(rng.next() % UInt64(samplers.count))
            e.withUnsafeMutableBufferPointer { eb in
                d.withUnsafeMutableBufferPointer { db in
                    switch samplers {
                    case .code(let s): s[pick].sample(count: 1, rng: &rng, errors: eb, detections: db)
                    case .detectorErrorModel(let s):
                        flips.withUnsafeMutableBufferPointer {
                            s[pick].sample(count: 1, rng: &rng, events: db, flips: $0, fired: eb)
                        }
                    }
                }
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
        var a: [Double] = []
        var b: [Double] = []
        switch model.target {
        case .code(let problem):
            let sim = LogicalErrorSimulation(problem: problem, config: cfg)
            let neural = NeuralQuantumDecoder(model: model)
            for (i, p) in settings.validationP.enumerated() {
                a.append(try sim.run(decoder: neural, p: p, pointIndex: i).ler)
                b.append(try sim.run(decoder: try MatchingDecoder(problem: problem, p: p), p: p, pointIndex: i).ler)
            }
        case .detectorErrorModel(let dem):
            let sim = DetectorErrorModelSimulation(model: dem, config: cfg)
            for (i, p) in settings.validationP.enumerated() {
                a.append(
                    try sim.run(
                        decoder: { DetectorErrorModelDecoder(model: $0, neural: self.model) }, scale: p, pointIndex: i
                    ).ler)
                b.append(try sim.run(decoder: "mwpm", scale: p, pointIndex: i).ler)
            }
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
