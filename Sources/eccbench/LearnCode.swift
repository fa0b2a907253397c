import ArgumentParser
import Codes
import Foundation
import LearnedCodes
import Neural

/// `eccbench learn-code`: learn a binary linear code and its DC-ECCT decoder together (docs/DESIGN.md §7).
struct LearnCode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn-code",
        abstract: "Learn a binary linear code [I | P] and its transformer decoder together; export the code.",
        subcommands: [LearnCodeTrain.self, LearnCodeCheck.self],
        defaultSubcommand: LearnCodeTrain.self)
}

/// `eccbench learn-code [train]`: the joint training run, checkpointed after every epoch.
struct LearnCodeTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a code and its DC-ECCT decoder (all-ones messages, AWGN, each word's Eb/N0 from the grid).",
        discussion: """
            Example: eccbench learn-code --n 31 --k 16 --layers 2 --dim 32 --epochs 20 --steps-per-epoch 500 \\
                       --out dec.safetensors --code-out code.alist --minutes 30
            Defaults (the recipe): N = 2, d = 32, 8 heads, Ω random; Adam 5e-4 → 1e-6 (cosine per epoch), 20 epochs ×
            500 steps × 128 words, Eb/N0 2…7 dB.
            After every epoch (and when --minutes runs out): the checkpoint (Ω, the decoder, Adam, settings, curve) is written to --out and the code to
            --code-out (alist, or dense text for other names), atomically; --resume continues from --out.
            The checkpoint is the joint decoder: eccbench --code code.alist --decoders dc-ecct:dec.safetensors,bp50,osd2
            """)

    @Option(name: .long, help: "Code length n.") var n: Int?
    @Option(name: .long, help: "Message length k.") var k: Int?
    @Option(name: .long, help: "Transformer layers N (default 2).") var layers: Int?
    @Option(name: .long, help: "Width d (default 32).") var dim: Int?
    @Option(name: .long, help: "Attention heads (dividing d; default 8).") var heads: Int?
    @Option(
        name: .customLong("init"),
        help:
            "Start Ω from 'random' (±0.01, random signs; default) or a code (name or file) of the same n and k, brought to [I | P]."
    )
    var initCode: String?
    @Option(
        name: .long, parsing: .unconditional,
        help: "Training Eb/N0 grid in dB (list or range); each word's is drawn from it (default 2:7:1).")
    var trainEbn0: String?
    @Option(name: .long, help: "Clip the gradient norm of Ω (its own parameter group) to this value.") var codeClip:
        Float?
    @Option(name: .long, help: "Freeze Ω from this global step on (the decoder keeps training).") var freezeCodeAfter:
        Int?
    @Option(
        name: .long, parsing: .unconditional,
        help: "Validation Eb/N0 after each epoch (−ln BER of the joint decoder; default 4,5,6).")
    var validationEbn0: String?
    @Option(name: .long, help: "Validation words per Eb/N0 (default 20000).") var validationWords: Int?
    @OptionGroup var training: TrainingOptions
    @Option(
        name: .long,
        help:
            "The learned code's file (alist when it ends in .alist, else dense text), written after every epoch (default: --out with .alist)."
    )
    var codeOut: String?
    @Option(name: .long, help: .private) var decoderOut: String?
    @Flag(name: .long, help: "Start a new run over an existing --out checkpoint.") var overwrite = false

    static let flags = [
        "n": "--n", "k": "--k", "layers": "--layers", "width": "--dim", "heads": "--heads",
        "initialCode": "--init", "trainEbN0": "--train-ebn0", "codeClipNorm": "--code-clip",
        "freezeCodeAfter": "--freeze-code-after", "validationEbN0": "--validation-ebn0",
        "validationWords": "--validation-words",
    ]

    /// The checkpoint and the code file. The old spelling `--out CODE --decoder-out CHECKPOINT` still works.
    var checkpointPath: String { decoderOut ?? training.out }
    var codePath: String {
        if decoderOut != nil { return training.out }
        if let codeOut { return codeOut }
        let url = URL(fileURLWithPath: training.out)
        return url.deletingPathExtension().appendingPathExtension("alist").path
    }

    func validate() throws {
        if decoderOut == nil && codeOut == nil,
            [".alist", ".txt"].contains(where: { training.out.lowercased().hasSuffix($0) })
        {
            throw ValidationError(
                "--out is the checkpoint (safetensors); write the code with --code-out \(training.out)")
        }
        if decoderOut != nil && codeOut != nil {
            throw ValidationError("give --code-out or the old --decoder-out, not both")
        }
        if let trainEbn0 { _ = try parsePoints(trainEbn0, option: "--train-ebn0") }
        if let validationEbn0 { _ = try parsePoints(validationEbn0, option: "--validation-ebn0") }
        if decoderOut != nil && training.resume && !FileManager.default.fileExists(atPath: checkpointPath) {
            throw ValidationError("--resume: no checkpoint '\(checkpointPath)'")
        }
        if !training.resume {
            guard let n, let k else { throw ValidationError("give --n and --k (or --resume)") }
            do {
                try LearnedCodeModel.checkSizes(n: n, k: k, layers: layers ?? 2, width: dim ?? 32, heads: heads ?? 8)
            } catch let e as LearnedCodeError {
                throw ValidationError(e.message)
            }
        }
        let checkpointFlag = decoderOut != nil ? "--decoder-out" : "--out"
        let codeFlag = decoderOut != nil ? "--out" : codeOut != nil ? "--code-out" : "the code file (from --out)"
        try checkOutputs([checkpointFlag: checkpointPath, codeFlag: codePath, "--curve": training.curve])
    }

    /// The settings from the options laid over `base` (the recipe's defaults, or a resumed run's stored settings).
    func settings(over base: LearnedCodeTrainingConfig) throws -> LearnedCodeTrainingConfig {
        var c = training.apply(to: base)
        if let n { c.n = n }
        if let k { c.k = k }
        if let layers { c.layers = layers }
        if let dim { c.width = dim }
        if let heads { c.heads = heads }
        if let initCode { c.initialCode = initCode }
        if let trainEbn0 { c.trainEbN0 = try parsePoints(trainEbn0, option: "--train-ebn0") }
        if let codeClip { c.codeClipNorm = codeClip }
        if let freezeCodeAfter { c.freezeCodeAfter = freezeCodeAfter }
        if let validationEbn0 { c.validationEbN0 = try parsePoints(validationEbn0, option: "--validation-ebn0") }
        if let validationWords { c.validationWords = validationWords }
        return c
    }

    func run() throws {
        let trainer: LearnedCodeTrainer
        do { trainer = try makeRun() } catch { throw TrainingOptions.commandError(error, familyFlags: Self.flags) }
        let (checkpoint, codeFile) = (checkpointPath, codePath)
        print(training.parallelLine(trainer))
        print(
            "epoch   loss     train BER  P changes  seconds  samples/s  −ln(BER) at "
                + trainer.config.validationEbN0.map { String(format: "%g dB", $0) }.joined(separator: ", "))
        let (outcome, _) = try training.train(
            trainer, checkpoint: checkpoint,
            epochLine: { e in
                String(
                    format: "%5d  %.5f  %.3e  %9d  %7.1f  %9.0f  ", e.epoch, e.loss, e.trainingBER, e.codeChanges,
                    e.seconds, Double(e.samples) / max(e.seconds, 1e-9))
                    + e.negLnBER.map { String(format: "%.3f", $0) }.joined(separator: "  ")
            }, afterCheckpoint: { try LearnedCodeCheckpoint.exportCode(trainer.model.code, to: codeFile) })
        let d = (try? WeightDistribution(code: trainer.model.code.linearCode(name: codeFile)))?.minimumDistance
        print(
            "\(trainer.state.epochsDone) of \(trainer.config.epochs) epochs done (step \(trainer.state.step) of "
                + "\(trainer.totalSteps)) → \(codeFile) (minimum distance \(d.map(String.init) ?? "?")), \(checkpoint)"
                + (outcome == .finished ? "" : " (\(TrainingOptions.describe(outcome)); continue with --resume)"))
        try training.exitIfInterrupted(outcome)
    }

    func makeRun() throws -> LearnedCodeTrainer {
        let checkpoint = checkpointPath
        if training.resume {
            let trainer = try LearnedCodeCheckpoint.resume(
                from: checkpoint, workers: training.threads, parallel: try training.parallelRequest(),
                expect: n.flatMap { n in k.map { (n, $0) } },
                adjust: { try settings(over: $0) })
            print(
                "resuming \(checkpoint): epoch \(trainer.state.epochsDone) of \(trainer.config.epochs), step \(trainer.state.step)"
            )
            // the checkpoint holds the code (Ω) and is written first: a run killed between the two writes left the
            // code file one checkpoint behind (or missing), so it is written again from the checkpoint now
            try LearnedCodeCheckpoint.exportCode(trainer.model.code, to: codePath)
            return trainer
        }
        if !overwrite && FileManager.default.fileExists(atPath: checkpoint) {
            throw CommandError(
                "\(checkpoint) exists: continue it with --resume, or give --overwrite to start a new run over it")
        }
        var base = LearnedCodeTrainingConfig(n: n!, k: k!, layers: 2, width: 32, epochs: 20, stepsPerEpoch: 500)
        base.trainEbN0 = try parsePoints("2:7:1", option: "--train-ebn0")
        let config = try settings(over: base)
        try config.validate()
        var omega: [Float]? = nil
        if config.initialCode.lowercased() != "random" {
            let start = try loadCode(config.initialCode, standardize: false)
            guard start.n == config.n, start.k == config.k else {
                throw CommandError(
                    "--init \(config.initialCode): a (\(start.n), \(start.k)) code; this run learns (\(config.n), \(config.k))"
                )
            }
            let (values, permutation) = try SystematicCode.omega(from: start)
            omega = values
            let moved = permutation.enumerated().filter { $0.offset != $0.element }.count
            print(
                "Ω from \(start.name) in systematic form"
                    + (moved > 0 ? " (\(moved) columns permuted: an equivalent code)" : ""))
        }
        let model: LearnedCodeModel
        if let initFrom = training.initFrom {
            model = try LearnedCodeModel.load(weightsAt: initFrom, heads: config.heads)
            guard (model.n, model.k, model.layers, model.width) == (config.n, config.k, config.layers, config.width)
            else {
                throw CommandError(
                    "--init-from \(initFrom): (\(model.n), \(model.k)) N = \(model.layers), d = \(model.width); this run "
                        + "is (\(config.n), \(config.k)) N = \(config.layers), d = \(config.width)")
            }
            print("initialised from \(initFrom)")
        } else {
            model = try LearnedCodeModel(
                n: config.n, k: config.k, layers: config.layers, width: config.width,
                heads: config.heads, omega: omega, seed: config.seed)
        }
        let trainer: LearnedCodeTrainer = try training.newRun(model: model, config: config)
        print(
            "learned (\(config.n), \(config.k)) code + DC-ECCT N = \(config.layers), d = \(config.width), "
                + "\(config.heads) heads, \(trainer.sizeDescription)")
        return trainer
    }
}

/// `eccbench learn-code check`: one forward and backward for cross-checks against the reference code.
struct LearnCodeCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "One forward and backward of a learned code + decoder on given messages and noise (no dropout).",
        discussion: """
            Reads 'message' [B, k] (0/1) and 'noise' [B, n] from --inputs; writes 'H' [n − k, n], 'loss' [1], 'x_pred' [B, n]
            and 'grad.<name>' for every parameter under the reference's names (P_matrix = Ω included) to --out.
            """)

    @Option(name: .long, help: "Weights (safetensors with P_matrix and the decoder, reference names).") var weights:
        String
    @Option(name: .long, help: "Input safetensors with 'message' [B, k] and 'noise' [B, n].") var inputs: String
    @Option(name: .long, help: "Output safetensors.") var out: String
    @Option(name: .long, help: "Attention heads (default: the file's metadata, else 8).") var heads: Int?

    func validate() throws {
        if let heads {
            guard (1...4096).contains(heads) else { throw ValidationError("--heads must be in 1...4096, got \(heads)") }
        }
        try checkOutputs(["--out": out])
    }

    func run() throws {
        let model = try LearnedCodeModel.load(weightsAt: weights, heads: heads)
        let n = model.n, k = model.k
        let (tensors, _) = try SafeTensors.read(path: inputs)
        guard let message = tensors["message"] else {
            throw CommandError("\(inputs): missing tensor 'message' [B, \(k)]")
        }
        guard let noise = tensors["noise"] else { throw CommandError("\(inputs): missing tensor 'noise' [B, \(n)]") }
        guard message.shape.count == 2, message.shape[1] == k, message.shape[0] >= 1 else {
            throw CommandError(
                "\(inputs): 'message' has shape \(message.shape); the code in \(weights) needs [B, \(k)]")
        }
        let B = message.shape[0]
        guard noise.shape == [B, n] else {
            throw CommandError("\(inputs): 'noise' has shape \(noise.shape); expected [\(B), \(n)] (B from 'message')")
        }
        if let bad = message.values.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw CommandError(
                "\(inputs): 'message'[\(bad / k), \(bad % k)] = \(message.values[bad]); messages are bits (0 or 1)")
        }
        if let bad = noise.values.firstIndex(where: { !$0.isFinite }) {
            throw CommandError("\(inputs): 'noise'[\(bad / n), \(bad % n)] is \(noise.values[bad])")
        }
        let (loss, decisions, gradients) = model.network.lossAndGradients(
            messages: message.values, noise: noise.values, batch: B)
        guard loss.isFinite, gradients.allSatisfy(\.isFinite) else {
            throw CommandError(
                "the loss or a gradient is not finite with the weights in \(weights); nothing was written")
        }
        var outputs: [String: Tensor] = [
            "H": Tensor(shape: [n - k, n], values: model.code.checkMatrix),
            "loss": Tensor(shape: [1], values: [Float(loss)]),
            "x_pred": Tensor(shape: [B, n], values: decisions),
        ]
        for e in model.network.parameters.entries {
            outputs["grad." + e.name] = Tensor(
                shape: e.shape, values: Array(gradients[e.offset..<(e.offset + e.count)]))
        }
        try SafeTensors.write(
            outputs,
            metadata: [
                "n": String(n), "k": String(k), "layers": String(model.layers),
                "width": String(model.width), "heads": String(model.heads),
            ], to: out)
        print(
            String(
                format: "(%d, %d) code, N = %d, d = %d: %d words, loss %.6f → ", n, k, model.layers, model.width, B,
                loss) + out)
    }
}
