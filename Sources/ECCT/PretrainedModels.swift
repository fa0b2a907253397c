import Codes
import Foundation
import Neural

/// ECCT weights trained with `eccbench train` and shipped with the library (Sources/ECCT/Models).
///
/// A file `CODE_N<layers>_d<width>.safetensors` (code name in upper case; `-STD` appended for a model trained on the
/// standard-form H, `--standardize`) holds the ECCT checkpoint of that size, `CODE_AECCT_N<layers>_d<width>` the frozen
/// AECCT; `Models/README.md` records the exact training command and budget of each.
///
/// Which models apply to a code is decided by the matrices, not the names. `models(for:)` are those trained on exactly
/// this H. `applicable(to:)` are those trained on any H of the same code (the same row space): a model trained on the
/// standard-form H of BCH-63-45 decodes BCH-63-45 as given, computing its syndrome with its own H — the codewords, and so
/// the decisions, are the same. Best first: the lowest validation BER its training recorded.
public enum PretrainedModels {
    static let index = ShippedModelIndex(directory: Bundle.module.url(forResource: "Models", withExtension: nil))

    public struct Entry: Sendable, Equatable {
        public let code: String
        public let layers: Int
        public let width: Int
        public let path: String
        /// `ecct` or `aecct`.
        public var architecture = "ecct"
        /// The validation BER of the last epoch of its training (at the recipe's Eb/N0 points), or nil.
        public let finalValidationBER: [Double]?
        /// The code (with the exact H) it was trained on, when the file records it or the catalog rebuilds it.
        public let trainedCode: LinearCode?
        /// The fingerprint of that H (metadata `h_fingerprint`, else the rebuilt code's).
        public let fingerprint: String?
        /// The fingerprint of the trained code's row space (`LinearCode.codeFingerprint`), when it is known.
        public let codeFingerprint: String?

        /// One file, one entry.
        public static func == (a: Entry, b: Entry) -> Bool { a.path == b.path }
    }

    /// Every shipped model, sorted by code, then size.
    public static let all: [Entry] = index.files.compactMap { file in
        let tags = file.tags
        guard tags.isEmpty || tags == ["AECCT"] else { return nil }
        let trained = try? ECCTModel.trainedCode(metadata: file.metadata, fallbackName: file.code, source: file.path)
        return Entry(
            code: file.code, layers: file.layers, width: file.width, path: file.path,
            architecture: tags.isEmpty ? "ecct" : "aecct",
            finalValidationBER: finalValidation(file.metadata), trainedCode: trained ?? nil,
            fingerprint: file.metadata["h_fingerprint"] ?? (trained ?? nil)?.parityCheckFingerprint,
            codeFingerprint: (trained ?? nil)?.codeFingerprint)
    }

    /// Shipped models trained on exactly this H, smallest first. So `--code path/to/LDPC_N49_K24.alist` finds a model
    /// trained on that file, and a standard-form H finds the models trained on it.
    public static func models(for code: LinearCode, architecture: String = "ecct") -> [Entry] {
        let fingerprint = code.parityCheckFingerprint
        return all.filter { $0.architecture == architecture && $0.fingerprint == fingerprint }
    }

    /// Shipped models that decode `code`: trained on its H, or on another H of the same code whose matrix is known
    /// (`decodingCode` is the code the model runs with). Best first (lowest mean log validation BER), then smaller.
    public static func applicable(to code: LinearCode, architecture: String = "ecct")
        -> [(entry: Entry, decodingCode: LinearCode)]
    {
        let exact = code.parityCheckFingerprint, rows = code.codeFingerprint
        let found = all.compactMap { e -> (entry: Entry, decodingCode: LinearCode)? in
            guard e.architecture == architecture, e.trainedCode?.n ?? code.n == code.n else { return nil }
            if e.fingerprint == exact { return (e, code) }
            if let trained = e.trainedCode, e.codeFingerprint == rows { return (e, trained) }
            return nil
        }
        func score(_ e: Entry) -> Double {
            guard let v = e.finalValidationBER, !v.isEmpty else { return .infinity }
            return v.map { log(max($0, 1e-12)) }.reduce(0, +) / Double(v.count)
        }
        return found.sorted {
            (score($0.entry), $0.entry.layers, $0.entry.width) < (score($1.entry), $1.entry.layers, $1.entry.width)
        }
    }

    /// The last validation BER of the run recorded in a file's metadata (`state`, or a frozen AECCT's `qat_state`).
    static func finalValidation(_ meta: [String: String]) -> [Double]? {
        guard let text = meta["state"] ?? meta["qat_state"],
            let state = try? CheckpointMetadata.decode(
                ECCTTrainingState.self, key: "state", from: ["state": text], path: "")
        else { return nil }
        return state.curve.last?.validationBER
    }
}

extension ECCTModel {
    /// The code (exact H) a checkpoint was trained on: the matrix its metadata records (`parity_check_matrix`), else the
    /// catalog code it names (metadata `code`, else `fallbackName` without a `-STD` suffix) in the recorded form, checked
    /// against the recorded `h_fingerprint`. Nil when it cannot be rebuilt; throws when a recorded matrix is malformed.
    public static func trainedCode(metadata meta: [String: String], fallbackName: String? = nil, source: String) throws
        -> LinearCode?
    {
        let name = meta["code"] ?? fallbackName.map { $0.hasSuffix("-STD") ? String($0.dropLast(4)) : $0 }
        if let text = meta["parity_check_matrix"] {
            return try LinearCode.fromParityCheckText(text, name: name ?? source, source: source)
        }
        guard let name, var code = try? Catalog.code(named: name) else { return nil }
        if meta["parity_check"] == "standard" { code = try code.standardized() }
        if let recorded = meta["h_fingerprint"], recorded != code.parityCheckFingerprint { return nil }
        return code
    }
}
