import ArgumentParser
import Base
import Codes
import ECCT
import Foundation
import Neural

/// `eccbench train`: train an ECCT on a code with the reference recipe (DESIGN.md §3).
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an ECCT or AECCT decoder (reference recipe: Adam 1e-4, cosine to 1e-6 per epoch, batch 128, 1000 steps/epoch, Eb/N0 2…7 dB).",
        discussion: """
            Writes a checkpoint (weights under the reference names, Adam state, settings, learning curve) to --out
            after every epoch and when --minutes runs out; --resume continues it exactly.
            Example: eccbench train --code BCH-63-45 --layers 2 --dim 32 --epochs 20 --out bch.safetensors
            AECCT (three steps, as the reference): phase 1 `--arch aecct --out p1.safetensors`, phase 2
            `--qat-from p1.safetensors --out p2.safetensors`, then `eccbench quantize p2.safetensors --out frozen.safetensors`.
            """)

    @Option(name: .long, help: "Code name or H file.")
    var code: String = "BCH-63-45"
    @OptionGroup var form: ParityCheckFormOptions
    @OptionGroup var size: ModelSizeOptions
    @Option(name: .long, help: "Checkpoint file (safetensors) written every epoch.")
    var out: String
    @Flag(name: .long, help: "Continue the run in --out with the settings stored in it.")
    var resume = false
    @Option(name: .long, help: "Initial learning rate (default 1e-4).")
    var lr: Float?
    @Option(name: .long, help: "Final learning rate of the cosine schedule (default 1e-6).")
    var minLr: Float?
    @Option(name: .long, help: "Epochs (the cosine period; default 1000).")
    var epochs: Int?
    @Option(name: .long, help: "Optimisation steps per epoch (default 1000).")
    var stepsPerEpoch: Int?
    @Option(name: .long, help: "Batch size (default 128).")
    var batchSize: Int?
    @Option(name: .long, parsing: .unconditional, help: "Training Eb/N0 values in dB, one drawn per sample (default 2,3,4,5,6,7).")
    var trainEbn0: String?
    @Option(name: .long, parsing: .unconditional, help: "Validation Eb/N0 values in dB (default 4,5,6).")
    var validationEbn0: String?
    @Option(name: .long, help: "Validation words per Eb/N0 after each epoch (default 20000; 0 = none).")
    var validationWords: Int?
    @Option(name: .long, help: "Dropout on attention probabilities (default 0.1).")
    var dropout: Float?
    @Option(name: .long, help: "Clip the global gradient norm (default: no clipping).")
    var clip: Float?
    @Option(name: .long, help: "Optimizer: adam (default) or adamw (decoupled weight decay).")
    var optimizer: String?
    @Option(name: .long, help: "Weight decay (AdamW: decoupled; Adam: L2 in the gradient). Default 0.")
    var weightDecay: Float?
    @Option(name: .long, help: "Learning-rate schedule: cosine (default, per epoch) or wsd (warm-up, stable, decay; per step).")
    var schedule: String?
    @Option(name: .long, help: "WSD: warm-up steps (linear from 0).")
    var warmup: Int?
    @Option(name: .long, help: "WSD: decay steps at the end of the run (linear to --min-lr).")
    var decay: Int?
    @Flag(name: .long, help: "Redraw training samples whose hard decision already satisfies every check.")
    var rejectZeroSyndrome = false
    @Option(name: .long, help: "Train on fixed dataset folders (`eccbench dataset`; comma-separated), reshuffled every epoch.")
    var data: String?
    @Option(name: .long, help: "With several --data folders: their weights in every batch (e.g. 0.5,0.5; default equal).")
    var batchMix: String?
    @Option(name: .long, help: "Permute every sample by a random automorphism: 'automorphisms' (cyclic × Frobenius for BCH, quasi-cyclic shifts for QC codes) or a permutation file.")
    var augment: String?
    @Option(name: .long, help: "Random seed (data, dropout, initialisation; default 1).")
    var seed: UInt64?
    @Option(name: .long, help: "Wall-clock budget in minutes; the run stops with a checkpoint (resume with --resume).")
    var minutes: Double?
    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: "Also write the learning curve as CSV to this file.")
    var curve: String?
    @Option(name: .long, help: "Architecture: ecct (default) or aecct (post-LN, ReLU, HPSA heads, spectral encoding: phase 1, fp32).")
    var arch: String?
    @Option(name: .customLong("qat-from"), help: "AECCT phase 2: quantisation-aware training (ternary weights, INT8 activations) from this phase-1 model.")
    var qatFrom: String?
    @Option(name: .customLong("activation-scale"),
            help: "AECCT phase 2: INT8 activation scales, token (default: per token row) or tensor (the reference's, over the batch: one worker).")
    var activationScale: ActivationQuantization.Scope?

    func validate() throws {
        if let minutes { guard minutes > 0, minutes.isFinite else { throw ValidationError("--minutes must be positive") } }
        guard (1...1024).contains(threads) else { throw ValidationError("--threads must be in 1…1024, got \(threads)") }
        try checkOutputs([out, curve])
        if resume {
            guard FileManager.default.fileExists(atPath: out) else { throw ValidationError("--resume: '\(out)' does not exist") }
        }
        if let arch, !["ecct", "aecct"].contains(arch.lowercased()) { throw ValidationError("--arch '\(arch)' is not ecct or aecct") }
        if let qatFrom {
            guard arch.map({ $0.lowercased() == "aecct" }) ?? true else { throw ValidationError("--qat-from trains an AECCT; drop --arch \(arch!)") }
            guard FileManager.default.fileExists(atPath: qatFrom) else { throw ValidationError("--qat-from: '\(qatFrom)' does not exist") }
        } else if activationScale != nil {
            throw ValidationError("--activation-scale belongs to AECCT phase 2 (--qat-from); phase 1 has no quantised activations")
        }
        _ = try settings()
    }

    /// The settings from the options (defaults: the reference's).
    func settings() throws -> ECCTTrainingConfig {
        var c = ECCTTrainingConfig()
        if let lr { c.learningRate = lr }
        if let minLr { c.minimumLearningRate = minLr } else if let lr { c.minimumLearningRate = min(c.minimumLearningRate, lr) }
        if let epochs { c.epochs = epochs }
        if let stepsPerEpoch { c.stepsPerEpoch = stepsPerEpoch }
        if let batchSize { c.batchSize = batchSize }
        if let trainEbn0 { c.trainingEbN0 = try parsePoints(trainEbn0, option: "--train-ebn0") }
        if let validationEbn0 { c.validationEbN0 = try parsePoints(validationEbn0, option: "--validation-ebn0") }
        if let validationWords { c.validationWords = validationWords }
        if let dropout { c.attentionDropout = dropout }
        c.clipNorm = clip
        if let seed { c.seed = seed }
        c.optimizer = optimizer?.lowercased()
        c.weightDecay = weightDecay
        c.schedule = schedule?.lowercased()
        c.warmupSteps = warmup
        c.decaySteps = decay
        c.rejectZeroSyndrome = rejectZeroSyndrome ? true : nil
        c.dataset = data
        if let batchMix { c.batchMix = try parsePoints(batchMix, option: "--batch-mix", maxPoints: 64) }
        c.augment = augment.map { $0.lowercased() == "automorphisms" ? "automorphisms" : $0 }
        if arch?.lowercased() == "aecct" || qatFrom != nil { c.architecture = "aecct" }
        if let qatFrom {
            c.precision = "qat"
            c.activationScale = (activationScale ?? .token).rawValue
            c.qatFrom = qatFrom
        }
        do { try c.validate() } catch let e as SettingsError { throw ValidationError(e.message) }
        return c
    }

    func run() throws {
        let code = try loadCode(self.code, standardize: form.standardize)
        let trainer: ECCTTrainer
        if resume {
            trainer = try ECCTCheckpoint.resume(code: code, from: out, workers: threads)
            let given: [(String, Bool)] = [("--lr", lr != nil), ("--min-lr", minLr != nil), ("--epochs", epochs != nil),
                ("--steps-per-epoch", stepsPerEpoch != nil), ("--batch-size", batchSize != nil), ("--train-ebn0", trainEbn0 != nil),
                ("--validation-ebn0", validationEbn0 != nil), ("--validation-words", validationWords != nil),
                ("--dropout", dropout != nil), ("--clip", clip != nil), ("--seed", seed != nil), ("--optimizer", optimizer != nil),
                ("--weight-decay", weightDecay != nil), ("--schedule", schedule != nil), ("--warmup", warmup != nil),
                ("--decay", decay != nil), ("--reject-zero-syndrome", rejectZeroSyndrome), ("--data", data != nil), ("--batch-mix", batchMix != nil),
                ("--augment", augment != nil), ("--arch", arch != nil), ("--qat-from", qatFrom != nil),
                ("--activation-scale", activationScale != nil)]
            if let option = given.first(where: { $0.1 }) {
                throw CommandError("\(option.0) cannot change a run being resumed; its settings are stored in \(out)")
            }
            guard size.layers.map({ $0 == trainer.model.layers }) ?? true, size.dim.map({ $0 == trainer.model.width }) ?? true else {
                throw CommandError("\(out) holds N = \(trainer.model.layers), d = \(trainer.model.width); drop --layers/--dim to resume it")
            }
            print("resuming \(out): step \(trainer.state.step) of \(trainer.totalSteps), \(trainer.samplesSeen) samples seen")
        } else {
            let config = try settings()
            let model: ECCTModel
            switch config.modelArchitecture {
            case .ecct:
                model = try ECCTModel(code: code, layers: size.layers ?? 2, width: size.dim ?? 32,
                                      attentionDropout: config.attentionDropout, seed: config.seed)
            case .aecct(.qat, let scope):
                model = try ECCTModel.qatFromPhaseOne(code: code, path: qatFrom!, scope: scope,
                                                      attentionDropout: config.attentionDropout, seed: config.seed)
                guard size.layers.map({ $0 == model.layers }) ?? true, size.dim.map({ $0 == model.width }) ?? true else {
                    throw CommandError("--qat-from \(qatFrom!) holds N = \(model.layers), d = \(model.width); drop --layers/--dim")
                }
            case .aecct:
                model = try ECCTModel.aecct(code: code, layers: size.layers ?? 2, width: size.dim ?? 32,
                                            attentionDropout: config.attentionDropout, seed: config.seed)
            }
            trainer = try ECCTTrainer(model: model, config: config, workers: threads)
        }
        let c = trainer.config, m = trainer.model
        print("\(m.architecture.isAECCT ? m.architecture.description.uppercased() : "ECCT") \(code.name) (n = \(code.n), k = \(code.k), m = \(code.m), \(code.parityCheckForm)): N = \(m.layers), d = \(m.width), \(m.heads) heads, \(m.network.parameters.count) parameters")
        let schedule = c.schedule == "wsd"
            ? String(format: "WSD: warm-up %d, decay %d steps", c.warmupSteps ?? 0, c.decaySteps ?? 0)
            : String(format: "cosine over %d epochs", c.epochs)
        let optimizer = (c.optimizer == "adamw" ? "AdamW" : "Adam") + (c.weightDecay.map { String(format: " (weight decay %g)", $0) } ?? "")
        print(String(format: "%@ lr %g → %g (%@), batch %d, %d steps/epoch, Eb/N0 %@ dB%@, dropout %g, seed %llu, %d threads, %@ kernels",
                     optimizer, c.learningRate, c.minimumLearningRate, schedule, c.batchSize, c.stepsPerEpoch,
                     c.trainingEbN0.map { String(format: "%g", $0) }.joined(separator: ","),
                     c.dataset.map { " (dataset \($0))" } ?? (c.rejectZeroSyndrome == true ? " (zero-syndrome samples redrawn)" : ""),
                     c.attentionDropout, c.seed, trainer.workers,
                     KernelPath.best.rawValue))
        print(TrainingLog.header(c))
        fflush(nil)
        let deadline = minutes.map { Date().addingTimeInterval($0 * 60) }
        let log = TrainingLog(config: c)
        let sessionStart = Date(), stepsBefore = trainer.state.step
        let outcome = try trainer.train(deadline: deadline, checkpoint: out) { event in log.show(event) }
        log.clear()
        if let curve { try writeCurve(trainer.state, config: c, to: curve) }
        let seconds = Date().timeIntervalSince(sessionStart)
        let samples = (trainer.state.step - stepsBefore) * c.batchSize
        print(String(format: "%@ after %d of %d steps (%d samples seen). This session: %d samples in %.1f s = %.0f samples/s.",
                     outcome == .finished ? "finished" : "stopped by --minutes", trainer.state.step, trainer.totalSteps,
                     trainer.samplesSeen, samples, seconds, Double(samples) / max(seconds, 1e-9)))
        print("checkpoint: \(out)\(outcome == .outOfTime ? " (continue with --resume)" : "")")
    }

    func writeCurve(_ state: ECCTTrainingState, config: ECCTTrainingConfig, to path: String) throws {
        try CodeFiles.writeAtomically(TrainingLog.csv(state, config: config), to: path)
    }
}

/// Progress bar (stderr, on a terminal) and per-epoch validation lines (stdout).
final class TrainingLog {
    let config: ECCTTrainingConfig
    let isTerminal = isatty(2) == 1
    var lastDraw = Date.distantPast
    var lastPlain = Date()

    init(config: ECCTTrainingConfig) { self.config = config }

    static func header(_ c: ECCTTrainingConfig) -> String {
        let points = c.validationEbN0.map { String(format: "−lnBER@%gdB", $0) }.joined(separator: "  ")
        return "epoch   samples       loss  train BER        lr  \(points)  minutes"
    }

    func show(_ event: ECCTTrainer.Event) {
        switch event {
        case let .step(step, _, epochLoss, epochBER, rate):
            let inEpoch = (step - 1) % config.stepsPerEpoch + 1
            let epoch = (step - 1) / config.stepsPerEpoch + 1
            let now = Date()
            if isTerminal {
                guard now.timeIntervalSince(lastDraw) > 0.2 || inEpoch == config.stepsPerEpoch else { return }
                lastDraw = now
                let width = 24, filled = width * inEpoch / config.stepsPerEpoch
                let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
                let line = String(format: "\r  epoch %d/%d %@ %d/%d  loss %.4f  BER %.3e  %.0f samples/s ",
                                  epoch, config.epochs, bar, inEpoch, config.stepsPerEpoch, epochLoss, epochBER, rate)
                FileHandle.standardError.write(Data(line.utf8))
            } else if now.timeIntervalSince(lastPlain) >= 60 {
                lastPlain = now
                print(String(format: "  epoch %d step %d/%d  loss %.4f  BER %.3e  %.0f samples/s",
                             epoch, inEpoch, config.stepsPerEpoch, epochLoss, epochBER, rate))
                fflush(nil)
            }
        case let .epoch(r):
            clear()
            let points = r.validationBER.map { String(format: "%12.2f", -log($0)) }.joined(separator: "  ")
            print(String(format: "%5d %9d %10.5f  %9.3e %9.2e  %@  %7.1f", r.epoch, r.samples, r.loss, r.trainBER,
                         r.learningRate, points, r.seconds / 60))
            fflush(nil)
        case .checkpoint: break
        }
    }

    func clear() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    /// The learning curve as CSV: epoch, samples, loss, train BER, lr, −ln(BER) per validation point, seconds.
    static func csv(_ state: ECCTTrainingState, config: ECCTTrainingConfig) -> String {
        var lines = ["epoch,samples,loss,train_ber,lr," + config.validationEbN0.map { String(format: "neg_ln_ber_%gdB", $0) }.joined(separator: ",") + ",seconds"]
        for r in state.curve {
            lines.append(([String(r.epoch), String(r.samples), String(format: "%.6f", r.loss), String(format: "%.4e", r.trainBER),
                           String(format: "%.3e", r.learningRate)] + r.validationBER.map { String(format: "%.4f", -log($0)) }
                          + [String(format: "%.1f", r.seconds)]).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
