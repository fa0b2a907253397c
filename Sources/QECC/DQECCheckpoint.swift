import Foundation
import Neural

/// Neural quantum decoder checkpoints: one safetensors file with the weights under the reference names, Adam's moments
/// (`optimizer.exp_avg`, `optimizer.exp_avg_sq`), and in the metadata the code, noise, sizes, heads, the training
/// settings and state (JSON). Writes are atomic (temp file + rename).
public enum DQECCheckpoint {
    public static let format = "eccbench-dqec-1"

    public static func save(_ trainer: DQECTrainer, to path: String) throws {
        let model = trainer.model
        var tensors = model.network.parameters.tensors
        var meta = ["format": format, "code": model.problem.code.name, "noise": model.problem.noise.rawValue,
                    "rounds": String(model.problem.rounds), "layers": String(model.layers), "width": String(model.width),
                    "heads": String(model.heads),
                    "training": try CheckpointMetadata.encode(trainer.config),
                    "state": try CheckpointMetadata.encode(trainer.state)]
        trainer.optimizer.store(into: &tensors, metadata: &meta, parameterCount: model.network.parameters.count)
        try SafeTensors.write(tensors, metadata: meta, to: path)
    }

    /// The head count a weights file records (our checkpoints do; reference exports do not: nil).
    public static func heads(of path: String) throws -> Int? {
        try SafeTensors.read(path: path).metadata["heads"].flatMap(Int.init)
    }

    /// A run restored from a checkpoint written by `save`: same problem, sizes, settings, Adam state and step.
    public static func resume(problem: DecodingProblem, from path: String, workers: Int) throws -> DQECTrainer {
        let (tensors, meta) = try SafeTensors.read(path: path)
        guard meta["format"] == format else {
            throw CheckpointError("\(path): not an eccbench neural quantum decoder checkpoint (metadata 'format' is "
                                  + "\(meta["format"].map { "'\($0)'" } ?? "missing"))")
        }
        guard meta["code"]?.lowercased() == problem.code.name.lowercased(), meta["noise"] == problem.noise.rawValue,
              (meta["rounds"] ?? "1") == String(problem.rounds) else {
            throw CheckpointError("\(path): trained on \(meta["code"] ?? "?") with \(meta["noise"] ?? "?") noise and "
                                  + "\(meta["rounds"] ?? "1") round(s), not \(problem.code.name) with \(problem.noise.rawValue) "
                                  + "and \(problem.rounds)")
        }
        let config = try CheckpointMetadata.decode(DQECTrainingConfig.self, key: "training", from: meta, path: path)
        let state = try CheckpointMetadata.decode(DQECTrainingState.self, key: "state", from: meta, path: path)
        let model = try DQECModel(problem: problem, layers: config.layers, width: config.width, heads: config.heads)
        try model.network.parameters.load(tensors, source: path, ignoring: { $0.hasPrefix("optimizer.") })
        var adam = Adam(learningRate: config.learningRate)
        try adam.restore(from: tensors, metadata: meta, parameterCount: model.network.parameters.count, path: path)
        return try DQECTrainer(model: model, config: config, workers: workers, state: state, optimizer: adam)
    }
}
