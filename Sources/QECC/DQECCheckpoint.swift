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
        let adam = trainer.optimizer
        if adam.m.count == model.network.parameters.count {
            tensors["optimizer.exp_avg"] = Tensor(shape: [adam.m.count], values: adam.m)
            tensors["optimizer.exp_avg_sq"] = Tensor(shape: [adam.v.count], values: adam.v)
        }
        let meta = ["format": format, "code": model.problem.code.name, "noise": model.problem.noise.rawValue,
                    "rounds": String(model.problem.rounds), "layers": String(model.layers), "width": String(model.width),
                    "heads": String(model.heads), "adam_step": String(adam.step),
                    "training": try CheckpointMetadata.encode(trainer.config),
                    "state": try CheckpointMetadata.encode(trainer.state)]
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
        let P = model.network.parameters.count
        guard let m = tensors["optimizer.exp_avg"], let v = tensors["optimizer.exp_avg_sq"], m.shape == [P], v.shape == [P],
              let step = meta["adam_step"].flatMap(Int.init), step >= 0 else {
            throw CheckpointError("\(path): optimizer state (optimizer.exp_avg, optimizer.exp_avg_sq [\(P)], adam_step) is missing; cannot resume")
        }
        var adam = Adam(learningRate: config.learningRate)
        adam.m = m.values; adam.v = v.values; adam.step = step
        return try DQECTrainer(model: model, config: config, workers: workers, state: state, optimizer: adam)
    }
}
