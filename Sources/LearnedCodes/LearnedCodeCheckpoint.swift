import Codes
import Foundation
import Neural

/// Learned-code checkpoints, in the run layer's one layout (`RunCheckpoint`): Ω (`P_matrix`) and the decoder under the
/// reference names, Adam's moments, and in the metadata n, k, the sizes, heads, the settings and the state. The same
/// file is the joint decoder (`dc-ecct:FILE`).
public enum LearnedCodeCheckpoint {
    public static let format = "eccbench-learned-code-1"

    public static func save(_ trainer: LearnedCodeTrainer, to path: String) throws { try trainer.save(to: path) }

    /// A run restored from a checkpoint written by `save`: same sizes, settings, Adam state and step. `expect` (n, k),
    /// when given, must match the file's; `adjust` lays the command's options over the stored settings (only the
    /// resumable fields may change).
    public static func resume(
        from path: String, workers: Int, parallel: DataParallelRequest = .init(), expect: (n: Int, k: Int)? = nil,
        adjust: ((LearnedCodeTrainingConfig) throws -> LearnedCodeTrainingConfig)? = nil
    ) throws
        -> LearnedCodeTrainer
    {
        let stored = try RunCheckpoint.read(LearnedCodeRecipe.self, path: path, familyName: "learned-code")
        if let expect, expect != (stored.settings.n, stored.settings.k) {
            throw CheckpointError(
                "\(path): a (\(stored.settings.n), \(stored.settings.k)) code's checkpoint, not "
                    + "(\(expect.n), \(expect.k))")
        }
        let config = try RunCheckpoint.resumedSettings(stored.settings, path: path, adjust: adjust)
        try RunCheckpoint.checkSizes(
            of: stored, layers: config.layers, width: config.width, widthTensor: DCECCTNames.magnitude,
            layerProbe: DCECCTNames.layerProbe)
        let model = try CheckpointError.naming(path, "the stored settings") {
            try LearnedCodeModel(
                n: config.n, k: config.k, layers: config.layers, width: config.width, heads: config.heads)
        }
        try model.network.parameters.load(stored.tensors, source: path, ignoring: RunCheckpoint.isOptimizerTensor)
        model.network.parameters.values.withUnsafeBufferPointer { model.network.prepare(parameters: $0.baseAddress!) }
        return try RunCheckpoint.run(stored, model: model, settings: config, workers: workers, parallel: parallel)
    }

    /// Writes the code's H = [I | P] as alist (a path ending in .alist) or dense text, atomically.
    public static func exportCode(_ code: SystematicCode, to path: String) throws {
        let H = code.parityCheck
        let text = path.lowercased().hasSuffix(".alist") ? CodeFiles.alistText(H) : CodeFiles.denseText(H)
        try CodeFiles.writeAtomically(text, to: path)
    }
}
