import Dispatch
import Foundation

/// SIGINT (Ctrl-C) and SIGTERM for long commands. Training asks `isRequested` after every step and stops with a
/// checkpoint; a Monte Carlo run installs `onInterrupt`, which prints what has finished and exits with 130. A second
/// signal while the first is handled ends the process at once (status 130).
final class Interrupts: @unchecked Sendable {
    static let shared = Interrupts()
    private let lock = NSLock()
    private var requested = false
    private var sources: [DispatchSourceSignal] = []
    private var handler: (@Sendable () -> Void)?

    /// Start catching SIGINT and SIGTERM; `handler` (if any) runs on the first one, off the main thread.
    func install(_ handler: (@Sendable () -> Void)? = nil) {
        lock.lock()
        defer { lock.unlock() }
        self.handler = handler
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [unowned self] in self.fire() }
            source.resume()
            sources.append(source)
        }
    }

    private func fire() {
        lock.lock()
        let again = requested
        requested = true
        let handler = self.handler
        lock.unlock()
        if again { exit(130) }
        handler?()
    }

    var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }
}

/// The points a Monte Carlo command has finished, shared with its interrupt handler.
final class FinishedPoints<Point: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var points: [Point] = []

    func append(_ p: Point) {
        lock.lock()
        points.append(p)
        lock.unlock()
    }

    var all: [Point] {
        lock.lock()
        defer { lock.unlock() }
        return points
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return points.count
    }

    /// On SIGINT or SIGTERM: print `summary` of the points finished so far and exit with 130.
    func exitOnInterrupt(summary: @escaping @Sendable ([Point]) -> String) {
        Interrupts.shared.install { [self] in
            let done = all
            if isatty(2) == 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            print("\ninterrupted after \(done.count) finished point(s); the point in progress is dropped")
            if !done.isEmpty { print(summary(done)) }
            fflush(nil)
            exit(130)
        }
    }
}
