import ArgumentParser
import Codes
import Foundation
import Neural
import QECC

/// `eccbench qec train`: train the neural quantum decoder (docs/DESIGN.md §9) on a code and noise model.
struct QECTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract:
            "Train the neural quantum decoder: noise estimator + code-masked transformer, loss with the logical error term.",
        discussion: """
            Example: eccbench qec train --code toric-4 --noise depolarizing --train-p 0.05:0.2:0.01875 --layers 2 --dim 32 \\
                       --heads 8 --epochs 20 --steps-per-epoch 500 --out dqec.safetensors --minutes 30
            Defaults (the recipe): toric-4, depolarizing, one round, N = 2, d = 32, 8 heads; Adam 5e-4 → 1e-6 (cosine per
            epoch), 20 epochs × 500 steps × 128 samples.
            A checkpoint (weights, Adam, settings, curve) is written after every epoch and when --minutes runs out;
            --resume continues it exactly.
            On a Stim detector error model (circuit-level noise): eccbench qec train --dem circuit.dem --out dem.safetensors
            trains over its merged mechanisms and detectors; --train-p and --validation-p are then factors on the
            model's priors (default 1), and validation compares with mwpm on shots sampled from the DEM. Decode with
            qec --dem circuit.dem --decoders mwpm,neural:dem.safetensors or qec decode --decoder neural:dem.safetensors.
            """)

    @Option(name: .long, help: "Train on a Stim detector error model file (instead of --code, --noise, --rounds).")
    var dem: String?
    @Option(name: .long, help: "Code: toric-L, surface-d or planar-d (default toric-4).") var code: String?
    @Option(name: .long, help: "Noise: independent or depolarizing (default depolarizing).") var noise: String?
    @Option(name: .long, help: "Measurement rounds T (faulty syndromes, q = p, in all but the last; default 1).")
    var rounds: Int?
    @Option(
        name: .long, parsing: .unconditional,
        help: "Training p grid (list or range); each sample's p is drawn from it (default 0.05:0.2:0.01875).")
    var trainP: String?
    @Option(name: .long, help: "Transformer layers N (default 2).") var layers: Int?
    @Option(name: .long, help: "Width d (default 32).") var dim: Int?
    @Option(name: .long, help: "Attention heads (dividing d; default 8; the reference uses 16).") var heads: Int?
    @Option(
        name: .long, parsing: .unconditional, help: "Validation p after each epoch (LER beside mwpm on fixed shots).")
    var validationP: String?
    @Option(name: .long, help: "Validation shots per p (default 4096).") var validationShots: Int?
    @Option(
        name: .long,
        help:
            "Warm start: copy from this model file the tensors whose names and shapes match (another code's transformer layers at the same N, d, heads); the rest start fresh."
    )
    var warmStart: String?
    @OptionGroup var training: TrainingOptions
    @Flag(name: .long, help: "Start a new run over an existing --out checkpoint.") var overwrite = false

    static let flags = [
        "code": "--code", "noise": "--noise", "rounds": "--rounds", "trainP": "--train-p", "layers": "--layers",
        "width": "--dim", "heads": "--heads", "validationP": "--validation-p",
        "validationShots": "--validation-shots", "nonzeroOnly": "--noise",
    ]

    func validate() throws {
        if dem != nil, code != nil || noise != nil || rounds != nil {
            throw ValidationError(
                "--dem takes its checks, observables and noise from the model: drop --code, --noise, --rounds")
        }
        if let noise { _ = try PauliNoise.named(noise) }
        if let code { _ = try QuantumCatalog.code(named: code) }
        if let trainP { _ = try parsePoints(trainP, option: "--train-p") }
        if let rounds {
            guard (1...1024).contains(rounds) else {
                throw ValidationError("--rounds must be in 1...1024, got \(rounds)")
            }
        }
        if let warmStart {
            if training.resume || training.initFrom != nil {
                throw ValidationError("--warm-start begins a new run from a fresh model: drop --resume and --init-from")
            }
            if !FileManager.default.fileExists(atPath: warmStart) {
                throw ValidationError("--warm-start: '\(warmStart)' does not exist")
            }
        }
    }

    /// The settings from the options laid over `base` (the recipe's defaults, or a resumed run's stored settings).
    func settings(over base: DQECTrainingConfig) throws -> DQECTrainingConfig {
        var c = training.apply(to: base)
        if let code { c.code = code }
        if let noise {
            c.noise = try PauliNoise.named(noise)
            c.nonzeroOnly = c.noise == .depolarizing
        }
        if let rounds { c.rounds = rounds }
        if let trainP { c.trainP = try parsePoints(trainP, option: "--train-p") }
        if let layers { c.layers = layers }
        if let dim { c.width = dim }
        if let heads { c.heads = heads }
        if let validationP { c.validationP = try parsePoints(validationP, option: "--validation-p") }
        if let validationShots { c.validationShots = validationShots }
        return c
    }

    /// The recipe's defaults (before options): toric-4, depolarising, one round, N2 d32 8 heads, 20 × 500 × 128,
    /// Adam 5e-4 → 1e-6; validation p by noise and rounds.
    func defaults() throws -> DQECTrainingConfig {
        if let dem {
            var c = DQECTrainingConfig(
                code: "dem", noise: .circuit, rounds: 1, layers: 2, width: 32, heads: 8, trainP: [1], epochs: 20,
                stepsPerEpoch: 500, batch: 128, validationP: [1], validationShots: 10_000)
            c.dem = dem
            c.nonzeroOnly = false
            return c
        }
        let noiseModel = try PauliNoise.named(noise ?? "depolarizing"), T = rounds ?? 1
        let validation =
            T > 1 ? [0.02, 0.03, 0.04] : noiseModel == .depolarizing ? [0.08, 0.12, 0.16] : [0.05, 0.1, 0.15]
        var c = DQECTrainingConfig(
            code: "toric-4", noise: noiseModel, rounds: T, layers: 2, width: 32, heads: 8,
            trainP: try parsePoints("0.05:0.2:0.01875", option: "--train-p"), epochs: 20,
            stepsPerEpoch: 500, batch: 128, validationP: validation, validationShots: 4096)
        c.learningRate = 5e-4
        c.minimumLearningRate = 1e-6
        return c
    }

    func run() throws {
        let trainer: DQECTrainer
        do { trainer = try makeRun() } catch { throw TrainingOptions.commandError(error, familyFlags: Self.flags) }
        let out = training.out
        print(training.parallelLine(trainer))
        print(
            "epoch   loss      seconds  samples/s  validation LER (neural / mwpm) at p = "
                + trainer.config.validationP.map { String(format: "%g", $0) }.joined(separator: ", "))
        let (outcome, _) = try training.train(trainer, checkpoint: out, showsBER: false) { e in
            let pairs = zip(e.neuralLER, e.matchingLER).map { String(format: "%.4f / %.4f", $0, $1) }
            return String(
                format: "%5d  %.5f  %7.1f  %9.0f  ", e.epoch, e.loss, e.seconds,
                Double(e.samples) / max(e.seconds, 1e-9))
                + pairs.joined(separator: "  ")
        }
        print(
            "\(trainer.state.epochsDone) of \(trainer.config.epochs) epochs done (step \(trainer.state.step) of "
                + "\(trainer.totalSteps)) → \(out)\(outcome == .finished ? "" : " (\(TrainingOptions.describe(outcome)); continue with --resume)")"
        )
        try training.exitIfInterrupted(outcome)
    }

    func makeRun() throws -> DQECTrainer {
        let out = training.out
        if training.resume {
            let trainer = try DQECCheckpoint.resume(
                from: out, workers: training.threads, parallel: try training.parallelRequest(), dem: dem,
                adjust: { try settings(over: $0) })
            print(
                "resuming \(out): epoch \(trainer.state.epochsDone) of \(trainer.config.epochs), step \(trainer.state.step)"
            )
            return trainer
        }
        try training.checkFreshOutput(overwrite: overwrite)
        let config = try settings(over: try defaults())
        try config.validate()
        let target: DQECTarget
        if let dem {
            target = .detectorErrorModel(try DetectorErrorModel(contentsOf: dem))
        } else {
            target = .code(
                try DecodingProblem(
                    code: try QuantumCatalog.code(named: config.code), noise: config.noise, rounds: config.rounds))
        }
        let model: DQECModel
        if let initFrom = training.initFrom {
            model = try DQECModel.load(target: target, weightsAt: initFrom, heads: config.heads)
            guard model.layers == config.layers, model.width == config.width else {
                throw CommandError(
                    "--init-from \(initFrom): N = \(model.layers), d = \(model.width); this run is N = \(config.layers), "
                        + "d = \(config.width)")
            }
            print("initialised from \(initFrom)")
        } else {
            model = try DQECModel(
                target: target, layers: config.layers, width: config.width, heads: config.heads, seed: config.seed)
            if let warmStart {
                let copied = try model.warmStart(fromWeightsAt: warmStart)
                print(
                    "warm start from \(warmStart): \(copied.count) of \(model.network.parameters.entries.count) tensors copied "
                        + "(\(copied.first!) … \(copied.last!))")
            }
        }
        let trainer: DQECTrainer = try training.newRun(model: model, config: config)
        print(
            "\(target.name), \(target.errorLength) error bits, \(target.syndromeLength) detectors, "
                + "\(config.noise.rawValue): N = \(config.layers), d = \(config.width), "
                + "\(config.heads) heads, \(trainer.sizeDescription)")
        return trainer
    }
}
