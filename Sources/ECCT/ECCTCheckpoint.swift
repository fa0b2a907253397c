import Codes
import Foundation
import Neural

/// ECCT checkpoints, in the run layer's one layout (`RunCheckpoint`): the weights under the reference names, Adam's
/// moments, and in the metadata the code, n, m, N, d, heads, which H (form and fingerprint), the AECCT's architecture
/// and precision, the training settings and the state.
public enum ECCTCheckpoint {
    public static let format = "eccbench-ecct-1"

    /// The model's description in a checkpoint's metadata.
    public static func metadata(of model: ECCTModel) -> [String: String] {
        var meta = [
            "code": model.code.name, "n": String(model.code.n), "m": String(model.code.m),
            "layers": String(model.layers), "width": String(model.width),
            "heads": String(model.network.encoder.config.heads),
            "parity_check": model.code.parityCheckFormKey, "h_fingerprint": model.code.parityCheckFingerprint,
            "parity_check_matrix": model.code.parityCheckText,
        ]
        if case .aecct(let precision, let scope) = model.architecture {
            meta["architecture"] = "aecct"
            meta["precision"] = precision.rawValue
            meta["activation_scale"] = scope.rawValue
        }
        return meta
    }

    /// Tensors beside the parameters: the AECCT's spectral table.
    public static func extraTensors(of model: ECCTModel) -> [String: Tensor] {
        guard model.architecture.isAECCT, let table = model.spectralTableTensor else { return [:] }
        return [ECCTNames.spectralTable: table]
    }

    /// The weights, plus optimizer and training state when given.
    public static func save(
        model: ECCTModel, optimizer: Adam?, config: ECCTTrainingConfig?, state: ECCTTrainingState?,
        notes: [String: String] = [:], to path: String
    ) throws {
        try RunCheckpoint.write(
            parameters: model.network.parameters, extra: extraTensors(of: model),
            metadata: notes.merging(metadata(of: model)) { _, own in own }, format: format,
            optimizer: optimizer, settings: config, state: state, to: path)
    }

    /// A training run restored from a checkpoint written by `save` with optimizer and state. `adjust` lays the
    /// command's options over the stored settings: only the resumable fields (`epochs`) may change
    /// (`ResumeMismatch` otherwise).
    public static func resume(
        code: LinearCode, from path: String, workers: Int, parallel: DataParallelRequest = .init(),
        adjust: ((ECCTTrainingConfig) throws -> ECCTTrainingConfig)? = nil
    ) throws -> ECCTTrainer {
        let stored = try RunCheckpoint.read(ECCTRecipe.self, path: path, familyName: "ECCT")
        let meta = stored.metadata
        if let name = meta["code"], name.lowercased() != code.name.lowercased() {
            throw CheckpointError("\(path): the checkpoint was trained on \(name), not \(code.name)")
        }
        let form = meta["parity_check"] ?? "as given"
        if (form == "standard") != code.isStandardForm {
            throw CheckpointError(
                "\(path): the checkpoint was trained with "
                    + (form == "standard"
                        ? "H in standard form (add --standardize)" : "H as given (drop --standardize)"))
        }
        let config = try RunCheckpoint.resumedSettings(stored.settings, path: path, adjust: adjust)
        let model: ECCTModel
        if case .aecct(let precision, let scope) = config.modelArchitecture {
            model = try ECCTModel.loadAECCT(
                code: code, tensors: stored.tensors, source: path, precision: precision, scope: scope,
                attentionDropout: config.attentionDropout, clampGradient: config.straightThroughClamp)
        } else {
            let (layers, width) = try ECCTModel.size(of: stored.tensors, code: code, source: path)
            model = try ECCTModel(code: code, layers: layers, width: width, attentionDropout: config.attentionDropout)
            try model.load(stored.tensors, source: path)
        }
        return try RunCheckpoint.run(stored, model: model, settings: config, workers: workers, parallel: parallel)
    }
}

extension ECCTCheckpoint {
    /// Whether the weights of a file come from training on words with a non-zero syndrome only
    /// (`--reject-zero-syndrome`): the settings of the phase that made them — `training` for a checkpoint (fp or
    /// QAT), `qat_training` for a frozen model — say so. Such a network has never seen a codeword, so its decoder
    /// passes codewords through (`ECCTDecoder(model:gatesCodewords:)`). False when the file records no settings
    /// (reference exports) or they cannot be read.
    public static func trainedOnNonzeroSyndromesOnly(metadata: [String: String]) -> Bool {
        guard let text = metadata["training"] ?? metadata["qat_training"],
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { return false }
        return object["rejectZeroSyndrome"] as? Bool ?? false
    }
}
