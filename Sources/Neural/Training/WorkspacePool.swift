import Base
import Dispatch
import Foundation

/// Reusable workspaces of one batch size, one per concurrent caller: a caller takes one, uses it, gives it back.
/// Memory is bounded by the number of concurrent callers, never by the number of words decoded.
public final class WorkspacePool<Workspace: AnyObject>: @unchecked Sendable {
    private let make: () -> Workspace
    private var free: [Workspace] = []
    private let lock = NSLock()

    public init(make: @escaping () -> Workspace) { self.make = make }

    public func take() -> Workspace {
        lock.lock()
        let w = free.popLast()
        lock.unlock()
        return w ?? make()
    }

    public func give(_ w: Workspace) { lock.lock(); free.append(w); lock.unlock() }

    public func with<R>(_ body: (Workspace) throws -> R) rethrows -> R {
        let w = take()
        defer { give(w) }
        return try body(w)
    }
}

/// Work over `count` items in chunks of `chunk`, the chunks spread over `threads` workers (each runs a contiguous
/// run of chunks). The body receives the chunk's first item and size; results must not depend on the split.
public enum ChunkedWork {
    public static func run(count: Int, chunk: Int, threads: Int, _ body: @Sendable (_ start: Int, _ size: Int) -> Void)
    {
        precondition(chunk >= 1 && threads >= 1, "ChunkedWork: chunk \(chunk), threads \(threads)")
        let chunks = (count + chunk - 1) / chunk
        let workers = min(threads, chunks)
        guard workers > 1 else {
            var start = 0
            while start < count { body(start, min(chunk, count - start)); start += chunk }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for c in (w * chunks / workers)..<((w + 1) * chunks / workers) {
                let start = c * chunk
                body(start, min(chunk, count - start))
            }
        }
    }
}
