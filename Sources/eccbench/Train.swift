import ArgumentParser
import Base
import Codes
import ECCT
import Foundation
import Neural

/// `eccbench train`: train an ECCT on a code with the reference recipe (docs/DESIGN.md §3).
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract:
            "Train an ECCT or AECCT decoder (reference recipe: Adam 1e-4, cosine to 1e-6 per epoch, batch 128, 1000 steps/epoch, Eb/N0 2…7 dB).",
        discussion: """
            Writes a checkpoint (weights under the reference names, Adam state, settings, learning curve) to --out
            after every epoch and when --minutes runs out; --resume continues it exactly.
            Example: eccbench train --code BCH-63-45 --layers 2 --dim 32 --epochs 20 --out bch.safetensors
            AECCT (three steps, as the reference): phase 1 `--arch aecct --out p1.safetensors`, phase 2
            `--qat-from p1.safetensors --out p2.safetensors`, then `eccbench quantize p2.safetensors --out frozen.safetensors`.
            """)

    @Option(name: .long, help: "Code name or H file (default BCH-63-45; --resume: the checkpoint's).")
    var code: String?
    @OptionGroup var form: ParityCheckFormOptions
    @OptionGroup var size: ModelSizeOptions
    @OptionGroup var training: TrainingOptions
    @Flag(
        name: .long,
        help: "Start a new run over an existing --out checkpoint (without it, an existing --out needs --resume).")
    var overwrite = false
    @Option(
        name: .long, parsing: .unconditional,
        help: "Training Eb/N0 values in dB, one drawn per sample (default 2,3,4,5,6,7).")
    var trainEbn0: String?
    @Option(name: .long, parsing: .unconditional, help: "Validation Eb/N0 values in dB (default 4,5,6).")
    var validationEbn0: String?
    @Option(name: .long, help: "Validation words per Eb/N0 after each epoch (default 20000; 0 = none).")
    var validationWords: Int?
    @Option(name: .long, help: "Dropout on attention probabilities (default 0.1).")
    var dropout: Float?
    @Option(name: .long, help: "Optimizer: adam (default) or adamw (decoupled weight decay).")
    var optimizer: String?
    @Option(name: .long, help: "Weight decay (AdamW: decoupled; Adam: L2 in the gradient). Default 0.")
    var weightDecay: Float?
    @Flag(name: .long, help: "Redraw training samples whose hard decision already satisfies every check.")
    var rejectZeroSyndrome = false
    @Option(
        name: .long,
        help: "Train on fixed dataset folders (`eccbench dataset`; comma-separated), reshuffled every epoch.")
    var data: String?
    @Option(
        name: .long, help: "With several --data folders: their weights in every batch (e.g. 0.5,0.5; default equal).")
    var batchMix: String?
    @Option(
        name: .long,
        help:
            "Permute every sample by a random automorphism: 'automorphisms' (cyclic × Frobenius for BCH, quasi-cyclic shifts for QC codes) or a permutation file."
    )
    var augment: String?
    @Option(
        name: .long,
        help: "Architecture: ecct (default) or aecct (post-LN, ReLU, HPSA heads, spectral encoding: phase 1, fp32).")
    var arch: String?
    @Option(
        name: .customLong("qat-from"),
        help: "AECCT phase 2: quantisation-aware training (ternary weights, INT8 activations) from this phase-1 model.")
    var qatFrom: String?
    @Option(
        name: .customLong("activation-scale"),
        help:
            "AECCT phase 2: INT8 activation scales, token (default: per token row) or tensor (the reference's, over the batch: one worker); none keeps the activations float (ternary weights alone: a diagnostic, not for a frozen model)."
    )
    var activationScale: ActivationQuantization.Scope?
    @Option(
        name: .customLong("clamp-gradient"),
        help:
            "AECCT phase 2: where the straight-through gradient passes the quantisers' clamps, strict (default: the reference fixture's, so a weight at ±1 gets none) or inclusive (the bounds too, as the reference code under torch 2)."
    )
    var clampGradient: ClampGradient?
    @Option(
        name: .customLong("ternary-scale"),
        help:
            "AECCT phase 2: one ternary scale per matrix (default, the paper's) or per row (one γ, δ and s_w per output; the frozen kernels rescale each output anyway)."
    )
    var ternaryScale: String?
    @Option(
        name: .customLong("distill-from"),
        help:
            "Knowledge distillation: mix each target with this teacher model's soft decision on the same sample (e.g. the phase-1 model for AECCT phase 2)."
    )
    var distillFrom: String?
    @Option(
        name: .customLong("distill-weight"),
        help:
            "The teacher's share α of each target: (1 − α)·flip target + α·σ(teacher logit), α in (0, 1] (default 0.5)."
    )
    var distillWeight: Float?

    /// The checkpoint's settings fields that are this command's own flags.
    static let flags = [
        "trainingEbN0": "--train-ebn0", "validationEbN0": "--validation-ebn0",
        "validationWords": "--validation-words", "attentionDropout": "--dropout", "optimizer": "--optimizer",
        "weightDecay": "--weight-decay", "rejectZeroSyndrome": "--reject-zero-syndrome", "dataset": "--data",
        "batchMix": "--batch-mix", "augment": "--augment", "architecture": "--arch", "precision": "--qat-from",
        "qatFrom": "--qat-from", "activationScale": "--activation-scale", "distillFrom": "--distill-from",
        "distillWeight": "--distill-weight", "clampGradient": "--clamp-gradient", "ternaryScale": "--ternary-scale",
    ]

    func validate() throws {
        if let arch, !["ecct", "aecct"].contains(arch.lowercased()) {
            throw ValidationError("--arch '\(arch)' is not ecct or aecct")
        }
        if let qatFrom {
            guard arch.map({ $0.lowercased() == "aecct" }) ?? true else {
                throw ValidationError("--qat-from trains an AECCT; drop --arch \(arch!)")
            }
            guard FileManager.default.fileExists(atPath: qatFrom) else {
                throw ValidationError("--qat-from: '\(qatFrom)' does not exist")
            }
            if training.initFrom != nil {
                throw ValidationError("--qat-from starts phase 2 from a phase-1 model; drop --init-from")
            }
        } else if (clampGradient != nil || ternaryScale != nil) && !training.resume {
            throw ValidationError("--clamp-gradient and --ternary-scale belong to AECCT phase 2 (--qat-from)")
        } else if activationScale != nil && !training.resume {
            throw ValidationError(
                "--activation-scale belongs to AECCT phase 2 (--qat-from); phase 1 has no quantised activations")
        }
        if !training.resume {
            do { try settings(over: ECCTTrainingConfig()).validate() } catch let e as SettingsError {
                throw ValidationError(e.message)
            }
        }
    }

    /// The settings from the options laid over `base` (the reference's defaults, or a resumed run's stored settings).
    func settings(over base: ECCTTrainingConfig) throws -> ECCTTrainingConfig {
        var c = training.apply(to: base)
        if let trainEbn0 { c.trainingEbN0 = try parsePoints(trainEbn0, option: "--train-ebn0") }
        if let validationEbn0 { c.validationEbN0 = try parsePoints(validationEbn0, option: "--validation-ebn0") }
        if let validationWords { c.validationWords = validationWords }
        if let dropout { c.attentionDropout = dropout }
        if let optimizer {
            c.optimizer = optimizer.lowercased() == "adam" && base.optimizer == nil ? nil : optimizer.lowercased()
        }
        if let weightDecay { c.weightDecay = weightDecay }
        if rejectZeroSyndrome { c.rejectZeroSyndrome = true }
        if let data { c.dataset = data }
        if let batchMix { c.batchMix = try parsePoints(batchMix, option: "--batch-mix", maxPoints: 64) }
        if let augment { c.augment = augment.lowercased() == "automorphisms" ? "automorphisms" : augment }
        if arch?.lowercased() == "aecct" || qatFrom != nil { c.architecture = "aecct" }
        if let qatFrom {
            c.precision = "qat"
            c.qatFrom = qatFrom
            c.activationScale = (activationScale ?? .token).rawValue
        } else if let activationScale {
            c.activationScale = activationScale.rawValue
        }
        if let clampGradient { c.clampGradient = clampGradient.rawValue }
        if let ternaryScale { c.ternaryScale = ternaryScale.lowercased() }
        if let distillFrom { c.distillFrom = distillFrom }
        if let distillWeight { c.distillWeight = distillWeight }
        return c
    }

    /// The code: --code (default BCH-63-45), or for --resume without it the one the checkpoint records.
    func resolveCode() throws -> LinearCode {
        if let code { return try loadCode(code, standardize: form.standardize) }
        guard training.resume else { return try loadCode("BCH-63-45", standardize: form.standardize) }
        let meta = try SafeTensors.read(path: training.out).metadata
        guard let name = meta["code"] else { throw CommandError("\(training.out) records no code; give --code") }
        return try loadCode(name, standardize: form.standardize || meta["parity_check"] == "standard")
    }

    func run() throws {
        let code = try resolveCode()
        let trainer: ECCTTrainer
        do { trainer = try makeRun(code: code) } catch {
            throw TrainingOptions.commandError(error, familyFlags: Self.flags)
        }
        let c = trainer.config, m = trainer.model
        print(
            "\(m.architecture.isAECCT ? m.architecture.description.uppercased() : "ECCT") \(code.name) (n = \(code.n), k = \(code.k), m = \(code.m), \(code.parityCheckForm)): N = \(m.layers), d = \(m.width), \(m.heads) heads, \(m.network.parameters.count) parameters"
        )
        let schedule =
            c.schedule == "wsd"
            ? String(format: "WSD: warm-up %d, decay %d steps", c.warmupSteps ?? 0, c.decaySteps ?? 0)
            : String(format: "cosine over %d epochs", c.epochs)
        let optimizer =
            (c.optimizer == "adamw" ? "AdamW" : "Adam")
            + (c.weightDecay.map { String(format: " (weight decay %g)", $0) } ?? "")
        print(
            String(
                format:
                    "%@ lr %g → %g (%@), batch %d, %d steps/epoch, Eb/N0 %@ dB%@, dropout %g, seed %llu, %@ kernels",
                optimizer, c.learningRate, c.minimumLearningRate, schedule, c.batchSize, c.stepsPerEpoch,
                c.trainingEbN0.map { String(format: "%g", $0) }.joined(separator: ","),
                c.dataset.map { " (dataset \($0))" }
                    ?? (c.rejectZeroSyndrome == true ? " (zero-syndrome samples redrawn)" : ""),
                c.attentionDropout, c.seed,
                KernelPath.best.rawValue))
        if c.rowScales {
            print("ternary scales per row: one γ, δ and s_w for each output of every quantised matrix")
        }
        if c.straightThroughClamp == .inclusive {
            print("straight-through gradients pass the quantisers' clamp bounds (inclusive): weights at ±1 learn too")
        }
        if let teacher = c.distillFrom {
            print(
                String(
                    format: "distilled from %@: targets (1 − α)·flip + α·σ(teacher logit), α = %g", teacher,
                    c.distillationWeight))
        }
        print(training.parallelLine(trainer))
        print(TrainingLog.header(c))
        fflush(nil)
        let sessionStart = Date(), stepsBefore = trainer.state.step
        let (outcome, trainingRate) = try training.train(trainer, checkpoint: training.out, epochLine: TrainingLog.line)
        let seconds = Date().timeIntervalSince(sessionStart)
        let samples = (trainer.state.step - stepsBefore) * c.batchSize
        let trainingSeconds = trainingRate > 0 ? Double(samples) / trainingRate : 0
        print(
            String(
                format:
                    "%@ after %d of %d steps (%d samples seen). This session: %d samples in %.1f s of training = %.0f "
                    + "samples/s, and %.1f s of validation and checkpoints.",
                TrainingOptions.describe(outcome), trainer.state.step, trainer.totalSteps,
                trainer.samplesSeen, samples, trainingSeconds, trainingRate, max(0, seconds - trainingSeconds)))
        print("checkpoint: \(training.out)\(outcome == .finished ? "" : " (continue with --resume)")")
        try training.exitIfInterrupted(outcome)
    }

    /// A new run from the options, or the run in --out continued.
    func makeRun(code: LinearCode) throws -> ECCTTrainer {
        let out = training.out
        if training.resume {
            let trainer = try ECCTCheckpoint.resume(
                code: code, from: out, workers: training.threads, parallel: try training.parallelRequest(),
                adjust: { try settings(over: $0) })
            guard size.layers.map({ $0 == trainer.model.layers }) ?? true,
                size.dim.map({ $0 == trainer.model.width }) ?? true
            else {
                throw CommandError(
                    "\(out) holds N = \(trainer.model.layers), d = \(trainer.model.width); drop --layers/--dim to resume it"
                )
            }
            print(
                "resuming \(out): step \(trainer.state.step) of \(trainer.totalSteps), \(trainer.samplesSeen) samples seen"
            )
            return trainer
        }
        try training.checkFreshOutput(overwrite: overwrite)
        let config = try settings(over: ECCTTrainingConfig())
        try config.validate()
        let model: ECCTModel
        switch config.modelArchitecture {
        case .ecct:
            model = try ECCTModel(
                code: code, layers: size.layers ?? 2, width: size.dim ?? 32,
                attentionDropout: config.attentionDropout, seed: config.seed)
            if let initFrom = training.initFrom { try model.load(weightsAt: initFrom) }
        case .aecct(.qat, let scope):
            model = try ECCTModel.qatFromPhaseOne(
                code: code, path: qatFrom!, scope: scope,
                attentionDropout: config.attentionDropout, seed: config.seed,
                clampGradient: config.straightThroughClamp,
                rowScales: config.rowScales)
            guard size.layers.map({ $0 == model.layers }) ?? true, size.dim.map({ $0 == model.width }) ?? true else {
                throw CommandError(
                    "--qat-from \(qatFrom!) holds N = \(model.layers), d = \(model.width); drop --layers/--dim")
            }
        case .aecct:
            if let initFrom = training.initFrom {
                model = try ECCTModel.loadAECCT(
                    code: code, tensors: try SafeTensors.read(path: initFrom).tensors, source: initFrom,
                    precision: .fp, scope: .token, attentionDropout: config.attentionDropout)
            } else {
                model = try ECCTModel.aecct(
                    code: code, layers: size.layers ?? 2, width: size.dim ?? 32,
                    attentionDropout: config.attentionDropout, seed: config.seed)
            }
        }
        if let initFrom = training.initFrom { print("initialised from \(initFrom)") }
        return try training.newRun(model: model, config: config)
    }
}

/// The header and per-epoch validation lines of `train` (stdout).
enum TrainingLog {
    static func header(_ c: ECCTTrainingConfig) -> String {
        let points = c.validationEbN0.map { String(format: "−lnBER@%gdB", $0) }.joined(separator: "  ")
        return "epoch   samples       loss  train BER        lr  \(points)  minutes"
    }

    static func line(_ r: ECCTEpochRecord) -> String {
        let points = r.validationBER.map { String(format: "%12.2f", -log($0)) }.joined(separator: "  ")
        return String(
            format: "%5d %9d %10.5f  %9.3e %9.2e  %@  %7.1f", r.epoch, r.samples, r.loss, r.trainBER, r.learningRate,
            points, r.seconds / 60)
    }
}
