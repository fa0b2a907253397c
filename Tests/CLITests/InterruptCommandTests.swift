import Foundation
import TestSupport
import XCTest

/// SIGINT during a Monte Carlo run prints the points finished so far and exits with 130.
final class InterruptCommandTests: XCTestCase {
    func testInterruptedSimulationPrintsTheFinishedPoints() throws {
        let p = Process()
        p.executableURL = binary
        // bp5 at 4 dB finishes at once; osd2 at 6 dB runs for minutes (a million frames)
        p.arguments = ["--code", "BCH-63-45", "--decoders", "bp5,osd2", "--ebn0", "4,6", "--min-errors", "100000"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var text = ""
        let start = Date()
        while !text.contains("\nbp5           6"), Date().timeIntervalSince(start) < 120 {
            text += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        kill(p.processIdentifier, SIGINT)
        text += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130, text)
        XCTAssertTrue(text.contains("interrupted after 2 finished point(s)"), text)
        XCTAssertTrue(text.contains("-ln(BER)") && text.contains("\nbp5  "), text)
    }
}
