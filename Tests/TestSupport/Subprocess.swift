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

    /// Runs the built `executable` (default `eccbench`, or `eccbench-benchmarks`; an absolute path as it is) with `args`.
    public func run(_ args: [String], environment: [String: String]? = nil, executable: String = "eccbench") throws
        -> Output
    {
        let p = Process()
        p.executableURL =
            executable.hasPrefix("/")
            ? URL(fileURLWithPath: executable) : binary.deletingLastPathComponent().appendingPathComponent(executable)
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
        return Output(
            status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }

    /// `run`, asserting that the command succeeded (the failure shows its stderr).
    @discardableResult
    public func runSucceeding(
        _ args: [String], environment: [String: String]? = nil, executable: String = "eccbench",
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> Output {
        let r = try run(args, environment: environment, executable: executable)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        return r
    }

    /// `run`, asserting that the command failed and that its stderr contains `message`.
    @discardableResult
    public func runFailing(
        _ args: [String], saying message: String, file: StaticString = #filePath, line: UInt = #line
    ) throws -> Output {
        let r = try run(args)
        XCTAssertNotEqual(r.status, 0, "\(args)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)", file: file, line: line)
        return r
    }

    public func temp(_ name: String) -> String { TemporaryFolder.path(name, group: "eccbench-cli") }
}

extension XCTestCase {
    /// Runs `python3 args…`; the output is stdout, followed by stderr when `mergeErrors`.
    public func python(_ args: [String], mergeErrors: Bool = true) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = mergeErrors ? pipe : FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The repository's root, from this test file's path (for scripts under scripts/ and Bench/).
    public func repositoryPath(_ relative: String, file: StaticString = #filePath) -> String {
        var url = URL(fileURLWithPath: "\(file)")
        while url.path != "/"
            && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
        {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent(relative).path
    }
}

extension XCTestCase {
    /// `mpirun`'s path, or nil when Open MPI is not installed.
    public var mpirunPath: String? {
        ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `eccbench args…` as `ranks` MPI ranks (`mpirun --oversubscribe -np ranks`, allowed as root); skips the
    /// test when Open MPI is missing.
    public func runRanks(_ ranks: Int, _ args: [String], mpirunOptions: [String] = []) throws -> Output {
        guard let mpirun = mpirunPath else {
            throw XCTSkip("Open MPI's mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)")
        }
        let mpi = ["--oversubscribe", "--mca", "btl", "self,vader", "-np", String(ranks)] + mpirunOptions
        return try run(
            [mpirun] + mpi + [binary.path] + args,
            environment: ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"],
            executable: "/usr/bin/env")
    }

    /// `runRanks`, asserting that the job succeeded.
    @discardableResult
    public func runRanksSucceeding(
        _ ranks: Int, _ args: [String], file: StaticString = #filePath, line: UInt = #line
    ) throws -> Output {
        let r = try runRanks(ranks, args)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        return r
    }
}
