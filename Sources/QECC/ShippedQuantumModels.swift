import Foundation

/// Neural quantum decoders trained with `eccbench qec train` and shipped with the library (Sources/QECC/Models):
/// `CODE_NOISE_T<rounds>_N<layers>_d<width>.safetensors` (code name in lower case, e.g. `toric-4_depolarizing_T1_N2_d32`)
/// holds the weights with the code, noise and head count in its metadata; `Models/README.md` records the exact
/// training command, budget and learning curve of each.
public enum ShippedQuantumModels {
    /// The shipped model files for a problem, smallest first.
    public static func files(for problem: DecodingProblem) -> [String] {
        guard let dir = Bundle.module.url(forResource: "Models", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        let prefix = "\(problem.code.name.lowercased())_\(problem.noise.rawValue)_T\(problem.rounds)_"
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".safetensors") }.sorted()
            .map { dir.appendingPathComponent($0).path }
    }

    /// The shipped decoder for a problem (`neural`), or an error saying none ships.
    public static func decoder(for problem: DecodingProblem) throws -> NeuralQuantumDecoder {
        guard let path = files(for: problem).first else {
            throw QECCError("no neural decoder ships for \(problem.code.name) with \(problem.noise.rawValue) noise and "
                            + "\(problem.rounds) round(s); train one (eccbench qec train) and use neural:FILE")
        }
        let heads = try DQECCheckpoint.heads(of: path) ?? 16
        return NeuralQuantumDecoder(model: try DQECModel.load(problem: problem, weightsAt: path, heads: heads))
    }
}
