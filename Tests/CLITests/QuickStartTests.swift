import Foundation
import TestSupport
import XCTest

/// The README's quick start runs as written: every `eccbench` line between its quickstart markers, in order, in a
/// fresh folder.
final class QuickStartTests: XCTestCase {
    func testTheReadmeQuickStartRunsAsWritten() throws {
        let readme = try String(contentsOfFile: repositoryPath("README.md"), encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: "<!-- quickstart -->")),
            end = try XCTUnwrap(readme.range(of: "<!-- /quickstart -->"))
        let lines = readme[start.upperBound..<end.lowerBound].split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix("eccbench ") }
        XCTAssertGreaterThanOrEqual(lines.count, 8, "the quick start has a line per area")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quickstart-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for line in lines {
            let p = Process()
            p.executableURL = binary
            p.arguments = line.split(separator: " ").dropFirst().map(String.init)
            p.currentDirectoryURL = folder
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = err
            try p.run()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, "\(line)\n\(message)")
        }
    }
}
