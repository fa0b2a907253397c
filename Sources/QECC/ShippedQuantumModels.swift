import Foundation
import Neural

/// Neural quantum decoders trained with `eccbench qec train` and shipped with the library (Sources/QECC/Models):
/// `CODE_NOISE_T<rounds>_N<layers>_d<width>.safetensors` (code name in lower case, e.g. `toric-4_depolarizing_T1_N2_d32`)
/// holds the weights with the code, noise and head count in its metadata; `Models/README.md` records the exact
/// training command, budget and learning curve of each. Models trained on a detector error model are named
/// `dem-<label>_circuit_T1_N<layers>_d<width>` and found by the model's fingerprint and priors (`file(for:)`).
public enum ShippedQuantumModels {
    static let index = ShippedModelIndex(directory: Bundle.module.url(forResource: "Models", withExtension: nil))

    /// The shipped model files for a problem, smallest first.
    public static func files(for problem: DecodingProblem) -> [String] {
        index.files.filter {
            $0.code == problem.code.name.lowercased() && $0.tags == [problem.noise.rawValue, "T\(problem.rounds)"]
        }.map(\.path)
    }

    /// The shipped model trained on a detector error model with this one's H, observables and priors (metadata `dem`,
    /// `dem-priors`), whatever the file's formatting; nil when none ships.
    public static func file(for model: DetectorErrorModel) -> String? {
        let fingerprint = model.structureFingerprint
        return index.files.first {
            $0.metadata["dem"] == fingerprint && model.hasPriors($0.metadata["dem-priors"] ?? "")
        }?.path
    }

    /// The shipped decoder for a problem (`neural`), or an error saying none ships.
    public static func decoder(for problem: DecodingProblem) throws -> NeuralQuantumDecoder {
        guard let path = files(for: problem).first else {
            throw QECCError(
                "no neural decoder ships for \(problem.code.name) with \(problem.noise.rawValue) noise and "
                    + "\(problem.rounds) round(s); train one (eccbench qec train) and use neural:FILE")
        }
        return NeuralQuantumDecoder(model: try DQECModel.load(problem: problem, weightsAt: path))
    }
}
