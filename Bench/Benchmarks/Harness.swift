import Foundation

/// Minimal timing harness: best of `repeats` wall-clock runs, reported with units.
enum Harness {
    /// Seconds of the fastest of `repeats` runs of `body`.
    static func time(repeats: Int = 3, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
        }
        return best
    }

    static func report(_ name: String, _ value: Double, _ unit: String, _ note: String = "") {
        let v = value >= 100 ? String(format: "%12.0f", value) : String(format: "%12.3f", value)
        // names longer than the column keep their full text and push the value right
        let label = name.count < 52 ? name.padding(toLength: 52, withPad: " ", startingAt: 0) : name + " "
        print(label + v + " " + unit + (note.isEmpty ? "" : "   " + note))
        fflush(nil)
    }

    /// A fresh directory `<temporary>/<name>-<pid>` for a section's peer files; the caller removes it (`defer`).
    static func scratchDirectory(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Run a command; nil when it fails to start or exits non-zero.
    static func shell(_ args: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}

/// Buffer pointers handed to worker threads that write disjoint ranges.
struct SharedBuffers<A, B>: @unchecked Sendable {
    let input: UnsafeBufferPointer<A>
    let output: UnsafeMutableBufferPointer<B>
}
