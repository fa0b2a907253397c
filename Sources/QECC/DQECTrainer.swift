import Base
import Foundation
import Neural

/// Trains a `DQECModel` (DESIGN.md §9): every step draws a batch of shots (each sample's p from the grid; sample i of
/// step t from the stream `SeededRNG(seed).derived(t).derived(i)`, so batches do not depend on the thread count),
/// and runs one data-parallel Adam step; the learning rate follows the cosine schedule per epoch. After each epoch
/// it validates on fixed shots beside mwpm and can write an atomic checkpoint. A resumed run continues with the same
/// batches and ends with the weights of an uninterrupted one.
public final class DQECTrainer: @unchecked Sendable {
    public let model: DQECModel
    public let config: DQECTrainingConfig
    public private(set) var state: DQECTrainingState
    let trainer: DataParallelTrainer<DQECNetwork>
    let samplers: [NoiseSampler]
    public var optimizer: Adam { trainer.optimizer }

    public init(model: DQECModel, config: DQECTrainingConfig, workers: Int, state: DQECTrainingState = .init(),
                optimizer: Adam? = nil) throws {
        try config.validate()
        self.model = model
        self.config = config
        self.state = state
        samplers = try config.trainP.map { try NoiseSampler(problem: model.problem, p: $0, nonzeroOnly: config.nonzeroOnly) }
        trainer = DataParallelTrainer(network: model.network, batch: config.batch, workers: workers,
                                      optimizer: optimizer ?? Adam(learningRate: config.learningRate))
    }

    /// Inputs (±1 detection syndromes [T·m]) and targets (the final errors) of step t.
    func batch(step t: Int) -> (input: [Float], targets: [Float]) {
        let problem = model.problem, B = config.batch, N = problem.errorLength, M = problem.rounds * problem.syndromeLength
        var input = [Float](repeating: 0, count: B * M), targets = [Float](repeating: 0, count: B * N)
        var e = [UInt8](repeating: 0, count: N), d = [UInt8](repeating: 0, count: M)
        let stepRNG = SeededRNG(seed: config.seed).derived(UInt64(t))
        for i in 0..<B {
            var rng = stepRNG.derived(UInt64(i))
            let sampler = samplers[Int(rng.next() % UInt64(samplers.count))]
            e.withUnsafeMutableBufferPointer { eb in d.withUnsafeMutableBufferPointer { sampler.sample(count: 1, rng: &rng, errors: eb, detections: $0) } }
            for j in 0..<M { input[i * M + j] = d[j] == 0 ? 1 : -1 }
            for j in 0..<N { targets[i * N + j] = Float(e[j]) }
        }
        return (input, targets)
    }

    /// Run epochs until `config.epochs`, or stop after the epoch during which `minutes` ran out; `afterEpoch` sees
    /// each finished epoch (for checkpoints and progress).
    public func train(minutes: Double? = nil, afterEpoch: (DQECEpoch) throws -> Void = { _ in }) throws {
        let start = Date()
        while state.epochsDone < config.epochs {
            let epochStart = Date()
            trainer.optimizer.learningRate = config.learningRate(epoch: state.epochsDone)
            var loss = 0.0
            for _ in 0..<config.stepsPerEpoch {
                let (x, t) = batch(step: state.step)
                loss += Double(trainer.step(input: x, targets: t, seed: config.seed, step: UInt64(state.step)))
                state.step += 1
            }
            let (neural, matching) = try validate()
            let record = DQECEpoch(epoch: state.epochsDone + 1, loss: loss / Double(config.stepsPerEpoch),
                                   seconds: Date().timeIntervalSince(epochStart), samples: config.stepsPerEpoch * config.batch,
                                   validationP: config.validationP, neuralLER: neural, matchingLER: matching)
            state.curve.append(record)
            state.epochsDone += 1
            try afterEpoch(record)
            if let minutes, Date().timeIntervalSince(start) > minutes * 60 { break }
        }
    }

    /// LER of the network and of mwpm at each validation p on the same fixed shots (seed 2024 + p's index).
    public func validate() throws -> (neural: [Double], matching: [Double]) {
        guard config.validationShots > 0 else { return ([], []) }
        var cfg = LERConfig()
        cfg.minShots = config.validationShots; cfg.maxShots = config.validationShots; cfg.minFailures = 0
        cfg.seed = 2024; cfg.blockSize = 512
        let sim = LogicalErrorSimulation(problem: model.problem, config: cfg)
        let neural = NeuralQuantumDecoder(model: model)
        var a: [Double] = [], b: [Double] = []
        for (i, p) in config.validationP.enumerated() {
            a.append(try sim.run(decoder: neural, p: p, pointIndex: i).ler)
            b.append(try sim.run(decoder: try MatchingDecoder(problem: model.problem, p: p), p: p, pointIndex: i).ler)
        }
        return (a, b)
    }
}
