import Foundation

/// The model files a module ships in its `Models` folder: every `.safetensors` file with its name parts and its
/// metadata, read once per process (each module keeps one index in a `static let`). The ECCT/AECCT models, the neural
/// quantum decoders and the learned codes are all found through one of these.
///
/// File names are `_`-separated parts: the code first, then optional tags, then `N<layers>` and `d<width>` at the end
/// (`BCH-63-45-STD_N2_d32`, `BCH-63-45_AECCT_N2_d32`, `toric-4_depolarizing_T2_N2_d32`).
public final class ShippedModelIndex: Sendable {
    public struct File: Sendable, Equatable {
        /// The file's path.
        public let path: String
        /// The name without `.safetensors`, split at `_`: the code, the tags between, `N…`, `d…`.
        public let parts: [String]
        public let layers: Int
        public let width: Int
        /// The safetensors metadata (empty when the file could not be read).
        public let metadata: [String: String]

        public var code: String { parts[0] }
        /// The parts between the code and the size (`AECCT`, `depolarizing`, `T2`).
        public var tags: [String] { Array(parts.dropFirst().dropLast(2)) }
    }

    /// Every model file, sorted by code, then layers, then width, then name.
    public let files: [File]

    /// The models in `directory` (nil: none).
    public init(directory: URL?) {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            files = []
            return
        }
        files = names.compactMap { name -> File? in
            guard name.hasSuffix(".safetensors") else { return nil }
            let parts = name.dropLast(".safetensors".count).split(separator: "_").map(String.init)
            guard parts.count >= 3, let size = parts.last, let depth = parts.dropLast().last,
                size.first == "d", depth.first == "N", let width = Int(size.dropFirst()),
                let layers = Int(depth.dropFirst())
            else { return nil }
            let path = directory.appendingPathComponent(name).path
            let metadata = (try? SafeTensors.read(path: path).metadata) ?? [:]
            return File(path: path, parts: parts, layers: layers, width: width, metadata: metadata)
        }.sorted { ($0.code, $0.layers, $0.width, $0.path) < ($1.code, $1.layers, $1.width, $1.path) }
    }
}
