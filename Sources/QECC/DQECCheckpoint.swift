import ECCT
import Foundation
import Neural

/// Neural quantum decoder checkpoints, in the run layer's one layout (`RunCheckpoint`): the weights under the reference
/// names, Adam's moments, and in the metadata the code, noise, rounds, sizes, heads, the settings and the state.
public enum DQECCheckpoint {
    public static let format = "eccbench-dqec-1"

    public static func save(_ trainer: DQECTrainer, to path: String) throws { try trainer.save(to: path) }

    /// A run restored from a checkpoint written by `save`: same problem, sizes, settings, Adam state and step. `adjust`
    /// lays the command's options over the stored settings: only the resumable fields may change. A run on a detector
    /// error model reads it again from `dem` (default: the file it was trained on), which must have the same fingerprint.
    public static func resume(
        from path: String, workers: Int, parallel: DataParallelRequest = .init(), dem demPath: String? = nil,
        adjust: ((DQECTrainingConfig) throws -> DQECTrainingConfig)? = nil
    ) throws -> DQECTrainer {
        let stored = try RunCheckpoint.read(DQECRecipe.self, path: path, familyName: "neural quantum decoder")
        let config = try RunCheckpoint.resumedSettings(stored.settings, path: path, adjust: adjust)
        if let file = demPath ?? config.dem {
            let dem = try DetectorErrorModel(contentsOf: file)
            guard stored.metadata["dem"] == dem.structureFingerprint else {
                throw CheckpointError(
                    "\(path) was trained on a detector error model with fingerprint \(stored.metadata["dem"] ?? "none"); "
                        + "\(file) is \(dem.structureFingerprint)")
            }
            return try restore(
                stored, target: .detectorErrorModel(dem), settings: config, workers: workers, parallel: parallel)
        }
        let problem = try CheckpointError.naming(path, "the stored settings") {
            try DecodingProblem(
                code: try QuantumCatalog.code(named: config.code), noise: config.noise, rounds: config.rounds)
        }
        return try restore(stored, target: .code(problem), settings: config, workers: workers, parallel: parallel)
    }

    /// The same for a given problem, which must be the checkpoint's.
    public static func resume(
        problem: DecodingProblem, from path: String, workers: Int, parallel: DataParallelRequest = .init(),
        adjust: ((DQECTrainingConfig) throws -> DQECTrainingConfig)? = nil
    ) throws -> DQECTrainer {
        let stored = try RunCheckpoint.read(DQECRecipe.self, path: path, familyName: "neural quantum decoder")
        let meta = stored.metadata
        guard meta["code"]?.lowercased() == problem.code.name.lowercased(), meta["noise"] == problem.noise.rawValue,
            (meta["rounds"] ?? "1") == String(problem.rounds)
        else {
            throw CheckpointError(
                "\(path): trained on \(meta["code"] ?? "?") with \(meta["noise"] ?? "?") noise and "
                    + "\(meta["rounds"] ?? "1") round(s), not \(problem.code.name) with \(problem.noise.rawValue) "
                    + "and \(problem.rounds)")
        }
        let config = try RunCheckpoint.resumedSettings(stored.settings, path: path, adjust: adjust)
        return try restore(stored, target: .code(problem), settings: config, workers: workers, parallel: parallel)
    }

    /// The stored run's model for `target`, its weights loaded, continued with `config`.
    static func restore(
        _ stored: RunCheckpoint.Stored<DQECRecipe>, target: DQECTarget, settings config: DQECTrainingConfig,
        workers: Int, parallel: DataParallelRequest
    ) throws -> DQECTrainer {
        try RunCheckpoint.checkSizes(
            of: stored, layers: config.layers, width: config.width, widthTensor: ECCTNames.embedding,
            layerProbe: ECCTNames.layerProbe)
        let model = try CheckpointError.naming(stored.path, "the stored settings") {
            try DQECModel(target: target, layers: config.layers, width: config.width, heads: config.heads)
        }
        try model.network.parameters.load(
            stored.tensors, source: stored.path, ignoring: RunCheckpoint.isOptimizerTensor)
        return try RunCheckpoint.run(stored, model: model, settings: config, workers: workers, parallel: parallel)
    }
}
