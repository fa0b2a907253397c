import Foundation

/// JSON values in a checkpoint's safetensors metadata (training settings, state): encoded with sorted keys and
/// non-finite floats as strings (a diverged epoch can leave NaN in a curve, and metadata must never make a checkpoint
/// write fail), decoded with errors that name the file and the key.
public enum CheckpointMetadata {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The value under `key`, or a `CheckpointError` naming `path` and the key (missing, or not valid).
    public static func decode<T: Decodable>(_ type: T.Type, key: String, from meta: [String: String], path: String)
        throws -> T
    {
        guard let text = meta[key] else {
            throw CheckpointError("\(path): metadata '\(key)' is missing; cannot resume")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(T.self, from: Data(text.utf8)) } catch {
            throw CheckpointError("\(path): metadata '\(key)' is not valid: \(error)")
        }
    }
}
