import ArgumentParser
import Codes
import Foundation
import LearnedCodes
import Neural

/// `eccbench learn-code`: learn a binary linear code and its DC-ECCT decoder together (DESIGN.md §7).
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
                       --out code.alist --decoder-out dec.safetensors --minutes 30
            After every epoch: the code is exported to --out (alist, or dense text for other names) and the checkpoint
            (Ω, the decoder, Adam, settings, curve) to --decoder-out, atomically; --resume continues from --decoder-out.
            The checkpoint is the joint decoder: eccbench --code code.alist --decoders dc-ecct:dec.safetensors,bp50,osd2
            """)

    @Option(name: .long, help: "Code length n.") var n: Int?
    @Option(name: .long, help: "Message length k.") var k: Int?
    @Option(name: .long, help: "Transformer layers N.") var layers: Int = 2
    @Option(name: .long, help: "Width d.") var dim: Int = 32
    @Option(name: .long, help: "Attention heads (dividing d).") var heads: Int = 8
    @Option(name: .customLong("init"),
            help: "Start Ω from 'random' (±0.01, random signs) or a code (name or file) of the same n and k, brought to [I | P].")
    var initCode: String = "random"
    @Option(name: .long, parsing: .unconditional, help: "Training Eb/N0 grid in dB (list or range); each word's is drawn from it.")
    var trainEbn0: String = "2:7:1"
    @Option(name: .long, help: "Epochs (cosine learning rate per epoch).") var epochs: Int = 20
    @Option(name: .long, help: "Steps per epoch.") var stepsPerEpoch: Int = 500
    @Option(name: .long, help: "Batch size.") var batch: Int = 128
    @Option(name: .long, help: "Adam learning rate.") var lr: Float = 5e-4
    @Option(name: .long, help: "Final learning rate of the cosine schedule.") var minLr: Float = 1e-6
    @Option(name: .long, help: "Random seed (initialisation, Ω's signs and batches).") var seed: UInt64 = 1
    @Option(name: .long, help: "Clip the gradient norm of Ω (its own parameter group) to this value.") var codeClip: Float?
    @Option(name: .long, help: "Freeze Ω from this global step on (the decoder keeps training).") var freezeCodeAfter: Int?
    @Option(name: .long, parsing: .unconditional, help: "Validation Eb/N0 after each epoch (−ln BER of the joint decoder).")
    var validationEbn0: String = "4,5,6"
    @Option(name: .long, help: "Validation words per Eb/N0.") var validationWords: Int = 20_000
    @Option(name: .long, help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: "The learned code's file (alist when it ends in .alist, else dense text), written after every epoch.")
    var out: String
    @Option(name: .long, help: "Checkpoint and joint decoder (safetensors), written after every epoch.") var decoderOut: String
    @Flag(name: .long, help: "Continue the run in --decoder-out.") var resume = false
    @Option(name: .long, help: "Stop after the epoch during which this many minutes have passed.") var minutes: Double?

    func validate() throws {
        if !resume {
            guard let n, let k else { throw ValidationError("give --n and --k (or --resume)") }
            do { try LearnedCodeModel.checkSizes(n: n, k: k, layers: layers, width: dim, heads: heads) } catch let e as LearnedCodeError {
                throw ValidationError(e.message)
            }
        }
        _ = try parsePoints(trainEbn0, option: "--train-ebn0")
        _ = try parsePoints(validationEbn0, option: "--validation-ebn0")
        guard (1...1024).contains(threads) else { throw ValidationError("--threads must be in 1...1024, got \(threads)") }
        if let minutes { guard minutes.isFinite, minutes > 0 else { throw ValidationError("--minutes must be positive") } }
        if resume {
            guard FileManager.default.fileExists(atPath: decoderOut) else { throw ValidationError("--resume: no checkpoint '\(decoderOut)'") }
        }
        try checkOutputs([out, decoderOut])
    }

    func run() throws {
        let trainer: LearnedCodeTrainer
        if resume {
            trainer = try LearnedCodeCheckpoint.resume(from: decoderOut, workers: threads, expect: n.flatMap { n in k.map { (n, $0) } })
            print("resuming \(decoderOut): epoch \(trainer.state.epochsDone) of \(trainer.config.epochs), step \(trainer.state.step)")
        } else {
            let n = self.n!, k = self.k!
            var config = LearnedCodeTrainingConfig(n: n, k: k, layers: layers, width: dim, epochs: epochs, stepsPerEpoch: stepsPerEpoch)
            config.heads = heads; config.batch = batch; config.learningRate = lr; config.minimumLearningRate = minLr; config.seed = seed
            config.trainEbN0 = try parsePoints(trainEbn0, option: "--train-ebn0")
            config.validationEbN0 = try parsePoints(validationEbn0, option: "--validation-ebn0")
            config.validationWords = validationWords; config.codeClipNorm = codeClip; config.freezeCodeAfter = freezeCodeAfter
            config.initialCode = initCode
            try config.validate()
            var omega: [Float]? = nil
            if initCode.lowercased() != "random" {
                let start = try loadCode(initCode, standardize: false)
                guard start.n == n, start.k == k else {
                    throw CommandError("--init \(initCode): a (\(start.n), \(start.k)) code; this run learns (\(n), \(k))")
                }
                let (values, permutation) = try SystematicCode.omega(from: start)
                omega = values
                let moved = permutation.enumerated().filter { $0.offset != $0.element }.count
                print("Ω from \(start.name) in systematic form" + (moved > 0 ? " (\(moved) columns permuted: an equivalent code)" : ""))
            }
            let model = try LearnedCodeModel(n: n, k: k, layers: layers, width: dim, heads: heads, omega: omega, seed: seed)
            trainer = try LearnedCodeTrainer(model: model, config: config, workers: threads)
            print("learned (\(n), \(k)) code + DC-ECCT N = \(layers), d = \(dim), \(heads) heads, "
                  + "\(model.network.parameters.count) parameters; \(epochs) epochs × \(stepsPerEpoch) steps × \(batch)")
        }
        print("epoch   loss     train BER  P changes  seconds  samples/s  −ln(BER) at "
              + trainer.config.validationEbN0.map { String(format: "%g dB", $0) }.joined(separator: ", "))
        try trainer.train(minutes: minutes) { e in
            try LearnedCodeCheckpoint.save(trainer, to: decoderOut)
            try LearnedCodeCheckpoint.exportCode(trainer.model.code, to: out)
            let scores = e.negLnBER.map { String(format: "%.3f", $0) }.joined(separator: "  ")
            print(String(format: "%5d  %.5f  %.3e  %9d  %7.1f  %9.0f  ", e.epoch, e.loss, e.trainingBER, e.codeChanges, e.seconds,
                         Double(e.samples) / e.seconds) + scores)
            fflush(nil)
        }
        let d = (try? WeightDistribution(code: trainer.model.code.linearCode(name: out)))?.minimumDistance
        print("\(trainer.state.epochsDone) of \(trainer.config.epochs) epochs done → \(out) (minimum distance "
              + "\(d.map(String.init) ?? "?")), \(decoderOut)")
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

    @Option(name: .long, help: "Weights (safetensors with P_matrix and the decoder, reference names).") var weights: String
    @Option(name: .long, help: "Input safetensors with 'message' [B, k] and 'noise' [B, n].") var inputs: String
    @Option(name: .long, help: "Output safetensors.") var out: String
    @Option(name: .long, help: "Attention heads (default: the file's metadata, else 8).") var heads: Int?

    func validate() throws {
        if let heads { guard (1...4096).contains(heads) else { throw ValidationError("--heads must be in 1...4096, got \(heads)") } }
        try checkOutputs([out])
    }

    func run() throws {
        let model = try LearnedCodeModel.load(weightsAt: weights, heads: heads)
        let n = model.n, k = model.k
        let (tensors, _) = try SafeTensors.read(path: inputs)
        guard let message = tensors["message"] else { throw CommandError("\(inputs): missing tensor 'message' [B, \(k)]") }
        guard let noise = tensors["noise"] else { throw CommandError("\(inputs): missing tensor 'noise' [B, \(n)]") }
        guard message.shape.count == 2, message.shape[1] == k, message.shape[0] >= 1 else {
            throw CommandError("\(inputs): 'message' has shape \(message.shape); the code in \(weights) needs [B, \(k)]")
        }
        let B = message.shape[0]
        guard noise.shape == [B, n] else {
            throw CommandError("\(inputs): 'noise' has shape \(noise.shape); expected [\(B), \(n)] (B from 'message')")
        }
        if let bad = message.values.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw CommandError("\(inputs): 'message'[\(bad / k), \(bad % k)] = \(message.values[bad]); messages are bits (0 or 1)")
        }
        if let bad = noise.values.firstIndex(where: { !$0.isFinite }) {
            throw CommandError("\(inputs): 'noise'[\(bad / n), \(bad % n)] is \(noise.values[bad])")
        }
        let (loss, decisions, gradients) = model.network.lossAndGradients(messages: message.values, noise: noise.values, batch: B)
        guard loss.isFinite, gradients.allSatisfy(\.isFinite) else {
            throw CommandError("the loss or a gradient is not finite with the weights in \(weights); nothing was written")
        }
        var outputs: [String: Tensor] = ["H": Tensor(shape: [n - k, n], values: model.code.checkMatrix),
                                         "loss": Tensor(shape: [1], values: [Float(loss)]),
                                         "x_pred": Tensor(shape: [B, n], values: decisions)]
        for e in model.network.parameters.entries {
            outputs["grad." + e.name] = Tensor(shape: e.shape, values: Array(gradients[e.offset..<(e.offset + e.count)]))
        }
        try SafeTensors.write(outputs, metadata: ["n": String(n), "k": String(k), "layers": String(model.layers),
                                                  "width": String(model.width), "heads": String(model.heads)], to: out)
        print(String(format: "(%d, %d) code, N = %d, d = %d: %d words, loss %.6f → ", n, k, model.layers, model.width, B, loss) + out)
    }
}
