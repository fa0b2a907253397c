import ArgumentParser
import Base
import Codes
import Foundation
import Neural
import ScaleOut

/// The training flags of every training command (`train`, `qec train`, `learn-code`): the same names and meanings,
/// laid over the family's recipe defaults (a new run) or over the settings stored in the checkpoint (`--resume`, where
/// a value that differs from the stored one is refused, naming it; only `--epochs` may change, and `--minutes`,
/// `--threads`, `--curve` are not settings).
struct TrainingOptions: ParsableArguments {
    @Option(name: .long, help: "Checkpoint file (safetensors): written after every epoch and when --minutes runs out.")
    var out: String
    @Flag(
        name: .long,
        help:
            "Continue the run in --out with its stored settings (options given again must agree; --epochs may change).")
    var resume = false
    @Option(
        name: .long,
        help:
            "Start from these weights (a checkpoint of the same model) instead of a fresh initialisation: a new run, with its own schedule."
    )
    var initFrom: String?
    @Option(name: .long, help: "Epochs (the cosine period).")
    var epochs: Int?
    @Option(name: .long, help: "Optimisation steps per epoch.")
    var stepsPerEpoch: Int?
    @Option(name: .long, help: "Batch size.")
    var batchSize: Int?
    @Option(name: .customLong("batch"), help: .private)
    var batchAlias: Int?
    @Option(name: .long, help: "Initial learning rate.")
    var lr: Float?
    @Option(name: .long, help: "Final learning rate of the schedule.")
    var minLr: Float?
    @Option(
        name: .long,
        help: "Learning-rate schedule: cosine (the papers', per epoch) or wsd (warm-up, stable, decay; per step).")
    var schedule: String?
    @Option(name: .long, help: "WSD: warm-up steps (linear from 0).")
    var warmup: Int?
    @Option(name: .long, help: "WSD: decay steps at the end of the run (linear to --min-lr).")
    var decay: Int?
    @Option(name: .long, help: "Clip the global gradient norm (default: no clipping).")
    var clip: Float?
    @Option(name: .long, help: "Random seed (initialisation, data, dropout; default 1).")
    var seed: UInt64?
    @Option(
        name: .long,
        help:
            "Wall-clock budget in minutes: the run stops with a checkpoint, mid-epoch if need be (continue with --resume)."
    )
    var minutes: Double?
    @Option(
        name: .long, help: "Worker threads (default: all cores; under mpirun, the cores shared among a node's ranks).")
    var threads: Int = MPIProcessGroup.defaultThreads
    @Option(
        name: .long,
        help:
            "Slices of each batch: each slice's gradient is computed whole and the slices are combined in slice order, so the weights are bit-identical for any thread and rank count at the same --slices (default: one per thread of all ranks; a resumed run keeps its own)."
    )
    var slices: Int?
    @Option(
        name: .long,
        help:
            "How the slices' gradients are combined: mean (the batch gradient) or adacons (adaptive consensus, Choukroun et al. 2024)."
    )
    var aggregation: String?
    @Option(
        name: .customLong("adacons-momentum"), help: "AdaCons: momentum on the sorted slice weights (default 0.99).")
    var adaconsMomentum: Double?
    @Option(name: .long, help: "Also write the learning curve as CSV to this file (after every epoch).")
    var curve: String?

    func validate() throws {
        if let minutes {
            guard minutes > 0, minutes.isFinite else { throw ValidationError("--minutes must be positive") }
        }
        guard (1...1024).contains(threads) else { throw ValidationError("--threads must be in 1…1024, got \(threads)") }
        _ = try parallelRequest()
        if batchSize != nil && batchAlias != nil {
            throw ValidationError("give --batch-size once (--batch is its old spelling)")
        }
        if resume {
            guard FileManager.default.fileExists(atPath: out) else {
                throw ValidationError("--resume: no checkpoint '\(out)'")
            }
            if initFrom != nil {
                throw ValidationError("--init-from starts a new run; --resume continues one: give one of them")
            }
        }
        if let initFrom, !FileManager.default.fileExists(atPath: initFrom) {
            throw ValidationError("--init-from: '\(initFrom)' does not exist")
        }
        try checkOutputs(["--out": out, "--curve": curve])
    }

    var batch: Int? { batchSize ?? batchAlias }

    /// "data parallel: 8 slices (mean) on 2 ranks × 1 thread", for a run's header.
    func parallelLine<Recipe>(_ trainer: TrainingRun<Recipe>) -> String {
        "data parallel: \(trainer.parallelDescription)"
            + (MPIProcessGroup.bindingNote(threads: threads).map { " (\($0))" } ?? "")
    }

    /// A new run of `model` with `config` on these options' threads, slices and aggregation.
    func newRun<Recipe: TrainingRecipe>(model: Recipe.Model, config: Recipe.Settings) throws -> TrainingRun<Recipe> {
        try TrainingRun(model: model, config: config, workers: threads, parallel: try parallelRequest())
    }

    /// --slices, --aggregation and --adacons-momentum for the run layer.
    func parallelRequest() throws -> DataParallelRequest {
        if let slices, !(1...65_536).contains(slices) {
            throw ValidationError("--slices must be in 1…65536 (and at most the batch size), got \(slices)")
        }
        if adaconsMomentum != nil, aggregation?.lowercased() != "adacons" {
            throw ValidationError("--adacons-momentum belongs to --aggregation adacons")
        }
        do {
            return DataParallelRequest(
                slices: slices,
                aggregation: try aggregation.map {
                    try GradientAggregation.named($0, momentum: adaconsMomentum ?? 0.99)
                })
        } catch let e as SettingsError {
            throw ValidationError("--aggregation: \(e.message)")
        }
    }
    var deadline: Date? { minutes.map { Date().addingTimeInterval($0 * 60) } }

    /// The run settings these options give, laid over `base`.
    func apply<S: RunSettings>(to base: S) -> S {
        var s = base
        if let lr {
            s.learningRate = lr
            if minLr == nil { s.minimumLearningRate = min(s.minimumLearningRate, lr) }
        }
        if let minLr { s.minimumLearningRate = minLr }
        if let epochs { s.epochs = epochs }
        if let stepsPerEpoch { s.stepsPerEpoch = stepsPerEpoch }
        if let batch { s.batchSize = batch }
        if let seed { s.seed = seed }
        if let schedule {
            s.schedule = schedule.lowercased() == "cosine" && base.schedule == nil ? nil : schedule.lowercased()
        }
        if let warmup { s.warmupSteps = warmup }
        if let decay { s.decaySteps = decay }
        if let clip { s.clipNorm = clip }
        return s
    }

    /// The flags of the shared settings fields (JSON keys), for messages.
    static let flags = [
        "learningRate": "--lr", "minimumLearningRate": "--min-lr", "epochs": "--epochs",
        "stepsPerEpoch": "--steps-per-epoch", "batchSize": "--batch-size", "batch": "--batch-size",
        "seed": "--seed", "schedule": "--schedule", "warmupSteps": "--warmup", "decaySteps": "--decay",
        "clipNorm": "--clip",
    ]

    /// A library error of a training run as the command's: settings errors and resume mismatches name the flags.
    static func commandError(_ error: Error, familyFlags: [String: String]) -> Error {
        switch error {
        case let e as ResumeMismatch:
            let flags = flags.merging(familyFlags) { a, _ in a }
            var named = Set<String>()
            let parts = e.changes.compactMap { c -> String? in
                let flag = flags[c.field] ?? c.field
                guard named.insert(flag).inserted else { return nil }  // one line per flag (--noise sets two fields)
                return "\(flag) \(c.requested) differs from \(c.stored) stored in the run"
            }
            return CommandError(
                "--resume \(e.path): " + parts.joined(separator: "; ")
                    + ". A resumed run keeps its settings (only --epochs may change); drop the option, or "
                    + "start a new run with another --out")
        case let e as SettingsError: return ValidationError(e.message)
        default: return error
        }
    }

    /// Runs `trainer` under these options: the --minutes deadline, Ctrl-C (a checkpoint, then `.interrupted`), the
    /// progress line, an epoch's line on stdout (`epochLine`), and after every checkpoint the --curve file and
    /// `afterCheckpoint` (its first error is rethrown at the end). Returns how the run stopped and this session's
    /// training samples/s (validation excluded).
    func train<Recipe>(
        _ trainer: TrainingRun<Recipe>, checkpoint: String, showsBER: Bool = true,
        epochLine: (Recipe.Record) -> String, afterCheckpoint: () throws -> Void = {}
    ) throws -> (outcome: TrainingRun<Recipe>.Outcome, samplesPerSecond: Double) {
        let s = trainer.settings
        let progress = RunProgress(stepsPerEpoch: s.stepsPerEpoch, epochs: s.epochs, batchSize: s.batchSize)
        var laterError: Error?
        var rate = 0.0
        Interrupts.shared.install()
        let outcome = try trainer.train(
            deadline: deadline, checkpoint: checkpoint, stop: { Interrupts.shared.isRequested }
        ) { event in
            switch event {
            case .step(let step, _, let epochLoss, let epochBER, let samplesPerSecond):
                rate = samplesPerSecond
                progress.step(step, epochLoss: epochLoss, epochBER: showsBER ? epochBER : nil, rate: rate)
            case .epoch(let record, _):
                progress.clear()
                print(epochLine(record))
                fflush(nil)
            case .checkpoint:
                do {
                    if let curve { try CodeFiles.writeAtomically(trainer.curveCSV, to: curve) }
                    try afterCheckpoint()
                } catch { laterError = laterError ?? error }
            case .validating: break
            }
        }
        progress.clear()
        if let laterError { throw laterError }
        if let curve { try CodeFiles.writeAtomically(trainer.curveCSV, to: curve) }
        return (outcome, rate)
    }

    /// "finished", "stopped by --minutes" or "interrupted".
    static func describe<Recipe>(_ outcome: TrainingRun<Recipe>.Outcome) -> String {
        switch outcome {
        case .finished: return "finished"
        case .outOfTime: return "stopped by --minutes"
        case .interrupted: return "interrupted"
        }
    }

    /// After an interrupt (SIGINT, SIGTERM): the checkpoint is written; say how to go on and exit with 130.
    func exitIfInterrupted<Recipe>(_ outcome: TrainingRun<Recipe>.Outcome) throws {
        guard outcome == .interrupted else { return }
        let line =
            "interrupted: the checkpoint \(out) holds the run up to its last step; continue with the same command "
            + "plus --resume\n"
        FileHandle.standardError.write(Data(line.utf8))
        throw ExitCode(130)
    }

    /// Refuses to overwrite an existing checkpoint without --resume (unless `overwrite`).
    func checkFreshOutput(overwrite: Bool) throws {
        if !resume && !overwrite && FileManager.default.fileExists(atPath: out) {
            throw CommandError(
                "--out \(out) exists: continue it with --resume, or give --overwrite to start a new run over it")
        }
    }
}

/// Progress of a training run on stderr (a bar on a terminal, a line a minute otherwise), shared by every family, with
/// the time left; and once, a few seconds in, the run's expected duration at the measured rate with how to shorten it.
final class RunProgress {
    let stepsPerEpoch: Int
    let epochs: Int
    let batchSize: Int
    let isTerminal = isatty(2) == 1
    var lastDraw = Date.distantPast
    var lastPlain = Date()
    let started = Date()
    var firstStep: Int?
    var announced = false

    init(stepsPerEpoch: Int, epochs: Int, batchSize: Int) {
        self.stepsPerEpoch = stepsPerEpoch
        self.epochs = epochs
        self.batchSize = batchSize
    }

    /// "3 h 20 min", "12 min", "40 s".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds >= 86_400 { return String(format: "%.1f days", seconds / 86_400) }
        if seconds >= 3600 { return String(format: "%d h %02d min", Int(seconds) / 3600, Int(seconds) % 3600 / 60) }
        if seconds >= 60 { return String(format: "%d min", Int(seconds / 60)) }
        return String(format: "%.0f s", seconds)
    }

    func step(_ step: Int, epochLoss: Double, epochBER: Double?, rate: Double) {
        let inEpoch = (step - 1) % stepsPerEpoch + 1, epoch = (step - 1) / stepsPerEpoch + 1
        let now = Date()
        let remaining = Double((epochs * stepsPerEpoch - step) * batchSize) / max(rate, 1e-9)
        if firstStep == nil { firstStep = step }
        if !announced, step - firstStep! >= 200 || now.timeIntervalSince(started) >= 5 {
            announced = true
            clear()
            print(
                String(
                    format: "at %.0f samples/s the remaining %d steps take about %@ (validation not included); ",
                    rate, epochs * stepsPerEpoch - step, Self.duration(remaining))
                    + "shorten with --epochs and --steps-per-epoch, or give --minutes to stop with a checkpoint")
            fflush(nil)
        }
        let ber = epochBER.map { String(format: "  BER %.3e", $0) } ?? ""
        if isTerminal {
            guard now.timeIntervalSince(lastDraw) > 0.2 || inEpoch == stepsPerEpoch else { return }
            lastDraw = now
            let width = 24, filled = width * inEpoch / stepsPerEpoch
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let line = String(
                format: "\r  epoch %d/%d %@ %d/%d  loss %.4f%@  %.0f samples/s  %@ left ",
                epoch, epochs, bar, inEpoch, stepsPerEpoch, epochLoss, ber, rate, Self.duration(remaining))
            FileHandle.standardError.write(Data(line.utf8))
        } else if now.timeIntervalSince(lastPlain) >= 60 {
            lastPlain = now
            print(
                String(
                    format: "  epoch %d step %d/%d  loss %.4f%@  %.0f samples/s  %@ left", epoch, inEpoch,
                    stepsPerEpoch,
                    epochLoss, ber, rate, Self.duration(remaining)))
            fflush(nil)
        }
    }

    func clear() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
