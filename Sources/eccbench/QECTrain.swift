import ArgumentParser
import Foundation
import Neural
import QECC

/// `eccbench qec train`: train the neural quantum decoder (DESIGN.md §9) on a code and noise model.
struct QECTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the neural quantum decoder: noise estimator + code-masked transformer, loss with the logical error term.",
        discussion: """
            Example: eccbench qec train --code toric-4 --noise depolarizing --train-p 0.05:0.2:0.01875 --layers 2 --dim 32 \\
                       --heads 8 --epochs 20 --steps-per-epoch 500 --out dqec.safetensors --minutes 30
            A checkpoint (weights, Adam, settings, curve) is written after every epoch; --resume continues it.
            """)

    @Option(name: .long, help: "Code: toric-L, surface-d or planar-d.") var code: String = "toric-4"
    @Option(name: .long, help: "Noise: independent or depolarizing.") var noise: String = "depolarizing"
    @Option(name: .long, help: "Measurement rounds T (faulty syndromes, q = p, in all but the last).") var rounds: Int = 1
    @Option(name: .long, parsing: .unconditional, help: "Training p grid (list or range); each sample's p is drawn from it.")
    var trainP: String = "0.05:0.2:0.01875"
    @Option(name: .long, help: "Transformer layers N.") var layers: Int = 2
    @Option(name: .long, help: "Width d.") var dim: Int = 32
    @Option(name: .long, help: "Attention heads (dividing d; the reference uses 16).") var heads: Int = 8
    @Option(name: .long, help: "Epochs (cosine learning rate per epoch).") var epochs: Int = 20
    @Option(name: .long, help: "Steps per epoch (the reference: 5000).") var stepsPerEpoch: Int = 500
    @Option(name: .long, help: "Batch size.") var batch: Int = 128
    @Option(name: .long, help: "Adam learning rate.") var lr: Float = 5e-4
    @Option(name: .long, help: "Final learning rate of the cosine schedule.") var minLr: Float = 1e-6
    @Option(name: .long, help: "Random seed (initialisation and batches).") var seed: UInt64 = 1
    @Option(name: .long, parsing: .unconditional, help: "Validation p after each epoch (LER beside mwpm on fixed shots).")
    var validationP: String?
    @Option(name: .long, help: "Validation shots per p.") var validationShots: Int = 4096
    @Option(name: .long, help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: "Checkpoint file (written after every epoch).") var out: String
    @Flag(name: .long, help: "Continue the run in --out.") var resume = false
    @Option(name: .long, help: "Start from these weights (a checkpoint or reference export of the same code, noise and size) instead of a fresh initialisation: a new run, with its own schedule.")
    var initFrom: String?
    @Option(name: .long, help: "Stop after the epoch during which this many minutes have passed.") var minutes: Double?

    func validate() throws {
        _ = try PauliNoise.named(noise)
        _ = try QuantumCatalog.code(named: code)
        _ = try parsePoints(trainP, option: "--train-p")
        guard (1...1024).contains(rounds) else { throw ValidationError("--rounds must be in 1...1024, got \(rounds)") }
        guard (1...1024).contains(threads) else { throw ValidationError("--threads must be in 1...1024, got \(threads)") }
        if let minutes { guard minutes.isFinite, minutes > 0 else { throw ValidationError("--minutes must be positive") } }
        if resume { guard FileManager.default.fileExists(atPath: out) else { throw ValidationError("--resume: no checkpoint '\(out)'") } }
        if resume && initFrom != nil { throw ValidationError("--init-from starts a new run; --resume continues one: give one of them") }
        try checkOutputs([out])
    }

    func run() throws {
        let noiseModel = try PauliNoise.named(noise)
        let problem = try DecodingProblem(code: try QuantumCatalog.code(named: code), noise: noiseModel, rounds: rounds)
        let trainer: DQECTrainer
        if resume {
            trainer = try DQECCheckpoint.resume(problem: problem, from: out, workers: threads)
            print("resuming \(out): epoch \(trainer.state.epochsDone) of \(trainer.config.epochs), step \(trainer.state.step)")
        } else {
            let grid = try parsePoints(trainP, option: "--train-p")
            let defaultValidation = rounds > 1 ? [0.02, 0.03, 0.04] : noiseModel == .depolarizing ? [0.08, 0.12, 0.16] : [0.05, 0.1, 0.15]
            var config = DQECTrainingConfig(code: code, noise: noiseModel, rounds: rounds, layers: layers, width: dim, heads: heads, trainP: grid,
                                            epochs: epochs, stepsPerEpoch: stepsPerEpoch, batch: batch,
                                            validationP: try validationP.map { try parsePoints($0, option: "--validation-p") }
                                                ?? defaultValidation, validationShots: validationShots)
            config.learningRate = lr; config.minimumLearningRate = minLr; config.seed = seed
            try config.validate()
            let model: DQECModel
            if let initFrom {
                model = try DQECModel.load(problem: problem, weightsAt: initFrom, heads: heads)
                guard model.layers == layers, model.width == dim else {
                    throw CommandError("--init-from \(initFrom): N = \(model.layers), d = \(model.width); this run is N = \(layers), d = \(dim)")
                }
                print("initialised from \(initFrom)")
            } else {
                model = try DQECModel(problem: problem, layers: layers, width: dim, heads: heads, seed: seed)
            }
            trainer = try DQECTrainer(model: model, config: config, workers: threads)
            print("\(problem.code.name), \(noiseModel.rawValue): N = \(layers), d = \(dim), \(heads) heads, "
                  + "\(model.network.parameters.count) parameters; \(epochs) epochs × \(stepsPerEpoch) steps × \(batch)")
        }
        print("epoch   loss      seconds  samples/s  validation LER (neural / mwpm) at p = "
              + trainer.config.validationP.map { String(format: "%g", $0) }.joined(separator: ", "))
        try trainer.train(minutes: minutes) { e in
            try DQECCheckpoint.save(trainer, to: out)
            let pairs = zip(e.neuralLER, e.matchingLER).map { String(format: "%.4f / %.4f", $0, $1) }.joined(separator: "  ")
            print(String(format: "%5d  %.5f  %7.1f  %9.0f  ", e.epoch, e.loss, e.seconds, Double(e.samples) / e.seconds) + pairs)
            fflush(nil)
        }
        print("\(trainer.state.epochsDone) of \(trainer.config.epochs) epochs done → \(out)")
    }
}
