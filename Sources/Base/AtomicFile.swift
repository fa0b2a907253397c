import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Atomic file writes: the bytes go to a temporary file in the target's folder, are flushed to disk, and the file is
/// renamed over the target, so a reader (or a `kill -9` at any moment) sees the old file or the new one, never a
/// partial one. The temporary file is `.<name>.tmp-<pid>` beside the target; a write first removes the temporary
/// files of that target left by processes that no longer run (a run killed mid-write).
///
/// A path that exists and is not a regular file (a device such as /dev/null or /dev/stdout, a FIFO) is written through,
/// never replaced; a symbolic link is followed, so the file it names is replaced and the link stays.
///
/// In a job of several ranks (`Ranks.world`) only rank 0 writes; the other ranks' writes do nothing (every rank holds the
/// same results, docs/DESIGN.md §10).
public enum AtomicFile {
    /// An error naming the path and the system's reason.
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): cannot write: \(reason)" }
    }

    public static func write(_ data: Data, to given: String) throws {
        try checkWritable(given)
        guard Ranks.world.isRoot else { return }
        if isSpecialFile(given) {
            try writeThrough(data, to: given)
            return
        }
        let path = linkTarget(given)
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path, name = url.lastPathComponent
        removeStaleTemporaries(folder: dir, name: name)
        let tmp = dir + "/" + temporaryPrefix(name) + String(getpid())
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw WriteError(path: path, reason: systemReason()) }
        var failure = writeAll(data, to: fd)
        if failure == nil && fsync(fd) != 0 { failure = systemReason() }
        close(fd)
        if failure == nil && rename(tmp, path) != 0 { failure = systemReason() }
        if let failure {
            unlink(tmp)
            throw WriteError(path: path, reason: failure)
        }
    }

    public static func write(_ text: String, to path: String) throws { try write(Data(text.utf8), to: path) }

    /// The file a chain of symbolic links ends at (the link's target even when that does not exist yet); `path`
    /// itself when it is not a link. At most 32 links are followed.
    static func linkTarget(_ path: String) -> String {
        var current = path
        for _ in 0..<32 {
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { break }
            current =
                destination.hasPrefix("/")
                ? destination
                : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(destination).path
        }
        return current
    }

    /// True when `path` exists and is neither a regular file nor a folder (after following links).
    static func isSpecialFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type != S_IFREG && type != S_IFDIR
    }

    /// Writes into an existing device or FIFO as it is (no temporary file, no rename).
    static func writeThrough(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw WriteError(path: path, reason: systemReason()) }
        let failure = writeAll(data, to: fd)
        close(fd)
        if let failure { throw WriteError(path: path, reason: failure) }
    }

    /// Writes every byte (retrying interrupted writes); the system's reason on failure.
    static func writeAll(_ data: Data, to fd: Int32) -> String? {
        var failure: String?
        data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; failure = systemReason(); return }
                done += n
            }
        }
        return failure
    }

    /// Throws unless a file can be written at `path`: its folder exists and is writable, and the path is not a
    /// folder. Commands call it before any work, so a bad output path fails at once.
    public static func checkWritable(_ path: String) throws {
        guard !path.isEmpty else { throw WriteError(path: "''", reason: "the path is empty") }
        if isSpecialFile(path) {
            guard access(path, W_OK) == 0 else { throw WriteError(path: path, reason: "it is not writable") }
            return
        }
        let url = URL(fileURLWithPath: linkTarget(path))
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw WriteError(path: path, reason: "it is a folder")
        }
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw WriteError(path: path, reason: "folder '\(dir)' does not exist")
        }
        guard access(dir, W_OK) == 0 else { throw WriteError(path: path, reason: "folder '\(dir)' is not writable") }
        if FileManager.default.fileExists(atPath: path), access(path, W_OK) != 0 {
            throw WriteError(path: path, reason: "the file is not writable")
        }
    }

    static func temporaryPrefix(_ name: String) -> String { "." + name + ".tmp-" }

    /// Removes `.<name>.tmp-<pid>` files in `folder` whose process no longer exists.
    static func removeStaleTemporaries(folder: String, name: String) {
        let prefix = temporaryPrefix(name)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(folder + "/" + entry) }
        }
    }

    static func systemReason() -> String { String(cString: strerror(errno)) }
}
