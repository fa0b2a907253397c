import Codes
import Foundation
import Neural

/// Learned-code checkpoints: one safetensors file with Ω (`P_matrix`) and the decoder under the reference names, Adam's
/// moments (`optimizer.exp_avg`, `optimizer.exp_avg_sq`), and in the metadata n, k, the sizes, heads, the settings and
/// the state (JSON). The same file is the joint decoder (`dc-ecct:FILE`). Writes are atomic (temp file + rename).
public enum LearnedCodeCheckpoint {
    public static let format = "eccbench-learned-code-1"

    public static func save(_ trainer: LearnedCodeTrainer, to path: String) throws {
        let model = trainer.model
        var tensors = model.network.parameters.tensors
        var meta = ["format": format, "n": String(model.n), "k": String(model.k), "layers": String(model.layers),
                    "width": String(model.width), "heads": String(model.heads),
                    "training": try CheckpointMetadata.encode(trainer.config),
                    "state": try CheckpointMetadata.encode(trainer.state)]
        trainer.optimizer.store(into: &tensors, metadata: &meta, parameterCount: model.network.parameters.count)
        try SafeTensors.write(tensors, metadata: meta, to: path)
    }

    /// A run restored from a checkpoint written by `save`: same sizes, settings, Adam state and step. `expect` (n, k),
    /// when given, must match the file's.
    public static func resume(from path: String, workers: Int, expect: (n: Int, k: Int)? = nil) throws -> LearnedCodeTrainer {
        let (tensors, meta) = try SafeTensors.read(path: path)
        guard meta["format"] == format else {
            throw CheckpointError("\(path): not an eccbench learned-code checkpoint (metadata 'format' is "
                                  + "\(meta["format"].map { "'\($0)'" } ?? "missing"))")
        }
        let config = try CheckpointMetadata.decode(LearnedCodeTrainingConfig.self, key: "training", from: meta, path: path)
        let state = try CheckpointMetadata.decode(LearnedCodeTrainingState.self, key: "state", from: meta, path: path)
        if let expect, expect != (config.n, config.k) {
            throw CheckpointError("\(path): a (\(config.n), \(config.k)) code's checkpoint, not (\(expect.n), \(expect.k))")
        }
        let model = try LearnedCodeModel(n: config.n, k: config.k, layers: config.layers, width: config.width, heads: config.heads)
        try model.network.parameters.load(tensors, source: path, ignoring: { $0.hasPrefix("optimizer.") })
        model.network.parameters.values.withUnsafeBufferPointer { model.network.prepare(parameters: $0.baseAddress!) }
        var adam = Adam(learningRate: config.learningRate)
        try adam.restore(from: tensors, metadata: meta, parameterCount: model.network.parameters.count, path: path)
        return try LearnedCodeTrainer(model: model, config: config, workers: workers, state: state, optimizer: adam)
    }

    /// Writes the code's H = [I | P] as alist (a path ending in .alist) or dense text, atomically.
    public static func exportCode(_ code: SystematicCode, to path: String) throws {
        let H = code.parityCheck
        let text = path.lowercased().hasSuffix(".alist") ? CodeFiles.alistText(H) : CodeFiles.denseText(H)
        try CodeFiles.writeAtomically(text, to: path)
    }
}
