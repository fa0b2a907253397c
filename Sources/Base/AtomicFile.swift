import Foundation

/// Atomic file writes: the bytes go to a temporary file in the target's folder, which is then renamed over the
/// target, so a reader (or a `kill -9` at any moment) sees the old file or the new one, never a partial one.
public enum AtomicFile {
    /// An error naming the path and the system's reason.
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): cannot write: \(reason)" }
    }

    public static func write(_ data: Data, to path: String) throws {
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw WriteError(path: path, reason: error.localizedDescription)
        }
    }

    public static func write(_ text: String, to path: String) throws { try write(Data(text.utf8), to: path) }
}
