import Codes
import Foundation

/// ECCT weights trained with `eccbench train` and shipped with the library (Sources/ECCT/Models).
///
/// A file `CODE_N<layers>_d<width>.safetensors` (code name in upper case) holds the checkpoint of that size;
/// `Models/README.md` records the exact training command and budget of each.
public enum PretrainedModels {
    public struct Entry: Sendable, Equatable {
        public let code: String
        public let layers: Int
        public let width: Int
        public let path: String
    }

    /// Every shipped model, sorted by code, then size.
    public static var all: [Entry] {
        guard let dir = Bundle.module.url(forResource: "Models", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return files.compactMap { file -> Entry? in
            guard file.hasSuffix(".safetensors") else { return nil }
            let parts = file.dropLast(".safetensors".count).split(separator: "_")
            guard parts.count == 3, parts[1].first == "N", parts[2].first == "d",
                  let layers = Int(parts[1].dropFirst()), let width = Int(parts[2].dropFirst()) else { return nil }
            return Entry(code: String(parts[0]), layers: layers, width: width, path: dir.appendingPathComponent(file).path)
        }.sorted { ($0.code, $0.layers, $0.width) < ($1.code, $1.layers, $1.width) }
    }

    /// Shipped models for a code (by catalog name, case-insensitive), smallest first. The shipped models were
    /// trained on H as given, so a code in standard form (another mask) has none.
    public static func models(for code: LinearCode) -> [Entry] {
        guard !code.isStandardForm else { return [] }
        return all.filter { $0.code.lowercased() == code.name.lowercased() }
    }
}
