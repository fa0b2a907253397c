import Foundation
import XCTest

/// What a finished subprocess printed, and its status.
public struct Output: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs the built `eccbench` binary (next to the test bundle) as a subprocess.
extension XCTestCase {
    public var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("eccbench")
    }

    public func run(_ args: [String], environment: [String: String]? = nil) throws -> Output {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        // stderr goes to a file, so a child that fills it never blocks while we read stdout
        let errPath = TemporaryFolder.path("stderr-\(UUID().uuidString)", group: "eccbench-subprocess")
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let out = Pipe(), err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try err.close()
        let e = FileManager.default.contents(atPath: errPath) ?? Data()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    public func temp(_ name: String) -> String { TemporaryFolder.path(name, group: "eccbench-cli") }
}
