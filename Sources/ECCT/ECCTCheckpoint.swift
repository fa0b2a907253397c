import Codes
import Foundation
import Neural

/// ECCT checkpoints: one safetensors file with the weights under the reference names, Adam's moments as
/// `optimizer.exp_avg` / `optimizer.exp_avg_sq` [P] (parameter order of `ParameterSet`), and in the metadata
/// the code, N, d, Adam's step, the training settings and the state (JSON). Reference tools that read the
/// weights by name ignore the rest. Writes are atomic (temp file + rename).
public enum ECCTCheckpoint {
    public static let format = "eccbench-ecct-1"

    /// The weights, plus optimizer and training state when given.
    public static func save(model: ECCTModel, optimizer: Adam?, config: ECCTTrainingConfig?, state: ECCTTrainingState?,
                            notes: [String: String] = [:], to path: String) throws {
        var tensors = model.network.parameters.tensors
        var meta = notes
        meta["format"] = format
        meta["code"] = model.code.name
        meta["n"] = String(model.code.n)
        meta["m"] = String(model.code.m)
        meta["layers"] = String(model.layers)
        meta["width"] = String(model.width)
        meta["heads"] = String(model.network.encoder.config.heads)
        meta["parity_check"] = model.code.parityCheckFormKey
        meta["h_fingerprint"] = model.code.parityCheckFingerprint
        if case let .aecct(precision, scope) = model.architecture {
            tensors[ECCTNames.spectralTable] = model.spectralTableTensor
            meta["architecture"] = "aecct"
            meta["precision"] = precision.rawValue
            meta["activation_scale"] = scope.rawValue
        }
        optimizer?.store(into: &tensors, metadata: &meta, parameterCount: model.network.parameters.count)
        if let config { meta["training"] = try CheckpointMetadata.encode(config) }
        if let state { meta["state"] = try CheckpointMetadata.encode(state) }
        try SafeTensors.write(tensors, metadata: meta, to: path)
    }

    /// A training run restored from a checkpoint written by `save` with optimizer and state.
    public static func resume(code: LinearCode, from path: String, workers: Int) throws -> ECCTTrainer {
        let (tensors, meta) = try SafeTensors.read(path: path)
        guard meta["format"] == format else {
            throw CheckpointError("\(path): not an eccbench ECCT checkpoint (metadata 'format' is \(meta["format"].map { "'\($0)'" } ?? "missing"))")
        }
        if let name = meta["code"], name.lowercased() != code.name.lowercased() {
            throw CheckpointError("\(path): the checkpoint was trained on \(name), not \(code.name)")
        }
        let form = meta["parity_check"] ?? "as given"
        if (form == "standard") != code.isStandardForm {
            throw CheckpointError("\(path): the checkpoint was trained with \(form == "standard" ? "H in standard form (add --standardize)" : "H as given (drop --standardize)")")
        }
        let config = try CheckpointMetadata.decode(ECCTTrainingConfig.self, key: "training", from: meta, path: path)
        let state = try CheckpointMetadata.decode(ECCTTrainingState.self, key: "state", from: meta, path: path)
        let model: ECCTModel
        if case let .aecct(precision, scope) = config.modelArchitecture {
            model = try ECCTModel.loadAECCT(code: code, tensors: tensors, source: path, precision: precision, scope: scope,
                                            attentionDropout: config.attentionDropout)
        } else {
            let (layers, width) = try ECCTModel.size(of: tensors, code: code, source: path)
            model = try ECCTModel(code: code, layers: layers, width: width, attentionDropout: config.attentionDropout)
            try model.load(tensors, source: path)
        }
        var adam = config.makeOptimizer()
        try adam.restore(from: tensors, metadata: meta, parameterCount: model.network.parameters.count, path: path)
        return try ECCTTrainer(model: model, config: config, workers: workers, state: state, optimizer: adam)
    }
}

extension ECCTTrainer {
    /// Write a checkpoint of the run (weights, Adam, settings, state).
    public func save(to path: String, notes: [String: String] = [:]) throws {
        try ECCTCheckpoint.save(model: model, optimizer: optimizer, config: config, state: state, notes: notes, to: path)
    }
}
