import Codes
import Foundation
import Neural

/// Learned codes shipped with their joint decoders (Sources/LearnedCodes/Models): a file `CODE_N<layers>_d<width>.safetensors`
/// is a learned-code checkpoint (Ω and the DC-ECCT); `Models/README.md` records the command and budget of each. A model
/// applies to a code when the H of its Ω is exactly the code's H.
public enum ShippedLearnedCodes {
    public struct Entry: Sendable, Equatable {
        public let code: String
        public let layers: Int
        public let width: Int
        public let path: String
    }

    static let index = ShippedModelIndex(directory: Bundle.module.url(forResource: "Models", withExtension: nil))

    public static let all: [Entry] = index.files.filter(\.tags.isEmpty).map {
        Entry(code: $0.code, layers: $0.layers, width: $0.width, path: $0.path)
    }

    /// Each shipped learned code's H, rebuilt from its Ω once per process (nil when the file cannot be read).
    static let codes: [String: LinearCode] = Dictionary(
        uniqueKeysWithValues: all.compactMap { entry in
            (try? LearnedCodeModel.code(ofWeightsAt: entry.path)).map { (entry.path, $0.linearCode(name: entry.code)) }
        })

    /// The shipped joint decoders whose code is exactly `code` (same H), smallest first.
    public static func models(for code: LinearCode) -> [Entry] {
        let fingerprint = code.parityCheckFingerprint
        return all.filter { codes[$0.path]?.parityCheckFingerprint == fingerprint }
    }

    /// The H = [I | P] of a shipped learned code by name (`LEARNED-31-16`), or nil.
    public static func code(named name: String) throws -> LinearCode? {
        guard let entry = all.first(where: { $0.code.uppercased() == name.uppercased() }) else { return nil }
        if let code = codes[entry.path] { return code }
        return try LearnedCodeModel.code(ofWeightsAt: entry.path).linearCode(name: entry.code)
    }
}

/// A learned code's joint decoder as a `Decoder` on its own code: channel output y → DC-ECCT → x̂ = sign(f)·sign(y).
public enum JointDecoder {
    /// Loads the checkpoint at `path`; throws unless its code is exactly `code` (the same H).
    public static func make(code: LinearCode, weightsAt path: String, name: String) throws -> NeuralDecoder<
        DCECCTNetwork
    > {
        let model = try LearnedCodeModel.load(weightsAt: path)
        let own = model.code.linearCode(name: path)
        guard own.parityCheckFingerprint == code.parityCheckFingerprint else {
            throw LearnedCodeError(
                "decoder '\(name)': \(path) decodes its own learned (\(model.n), \(model.k)) code, not \(code.name) "
                    + "(a different H); simulate that code: export it with `eccbench learn-code` (--out) and use --code FILE"
            )
        }
        return NeuralDecoder(network: model.network, name: name)
    }
}
