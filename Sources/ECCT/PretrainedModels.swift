import Codes
import Foundation
import Neural

/// ECCT weights trained with `eccbench train` and shipped with the library (Sources/ECCT/Models).
///
/// A file `CODE_N<layers>_d<width>.safetensors` (code name in upper case; `-STD` appended for a model trained on the
/// standard-form H, `--standardize`) holds the ECCT checkpoint of that size, `CODE_AECCT_N<layers>_d<width>` the frozen
/// AECCT; `Models/README.md` records the exact training
/// command and budget of each. Which model applies to a code is decided by the fingerprint of H, not by the name.
public enum PretrainedModels {
    /// The fingerprint of the H a shipped model was trained on (cached per file).
    static func fingerprintOf(_ e: Entry) -> String? {
        cache.lock.lock(); defer { cache.lock.unlock() }
        if let known = cache.values[e.path] { return known }
        var value: String?
        if let (_, meta) = try? SafeTensors.read(path: e.path), let f = meta["h_fingerprint"] {
            value = f
        } else if let code = try? Catalog.code(named: e.code) {
            value = code.parityCheckFingerprint
        }
        cache.values[e.path] = value
        return value
    }
    final class Cache: @unchecked Sendable { var values: [String: String?] = [:]; let lock = NSLock() }
    static let cache = Cache()

    public struct Entry: Sendable, Equatable {
        public let code: String
        public let layers: Int
        public let width: Int
        public let path: String
        /// `ecct` or `aecct`.
        public var architecture = "ecct"
    }

    /// Every shipped model, sorted by code, then size.
    public static var all: [Entry] {
        guard let dir = Bundle.module.url(forResource: "Models", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return files.compactMap { file -> Entry? in
            guard file.hasSuffix(".safetensors") else { return nil }
            var parts = file.dropLast(".safetensors".count).split(separator: "_")
            var architecture = "ecct"
            if parts.count == 4, parts[1] == "AECCT" { architecture = "aecct"; parts.remove(at: 1) }
            guard parts.count == 3, parts[1].first == "N", parts[2].first == "d",
                  let layers = Int(parts[1].dropFirst()), let width = Int(parts[2].dropFirst()) else { return nil }
            return Entry(code: String(parts[0]), layers: layers, width: width, path: dir.appendingPathComponent(file).path,
                         architecture: architecture)
        }.sorted { ($0.code, $0.layers, $0.width) < ($1.code, $1.layers, $1.width) }
    }

    /// Shipped models for a code, smallest first, found from the matrix itself: a model applies when the H it was
    /// trained on (metadata `h_fingerprint`, or for older files the catalog code its file name gives) is exactly
    /// this code's H. So `--code path/to/LDPC_N49_K24.alist` finds a model trained on that file, a standard-form H
    /// finds only models trained on it, and another H spanning the same code (another mask) finds none.
    public static func models(for code: LinearCode, architecture: String = "ecct") -> [Entry] {
        let fingerprint = code.parityCheckFingerprint
        return all.filter { $0.architecture == architecture && fingerprintOf($0) == fingerprint }
    }
}
