import Foundation
import TestSupport
import XCTest

/// `eccbench` and `eccbench qec` share their option groups: threads and seed, the stop rule (a maximum alone lowers the
/// default minimum, and says so), the result files.
final class SharedOptionsCommandTests: XCTestCase {
    func testAMaximumAloneLowersTheDefaultMinimum() throws {
        let classical = try run(["--code", "HAMMING-7-4", "--decoders", "bp5", "--ebn0", "3", "--max-frames", "1000"])
        XCTAssertEqual(classical.status, 0, classical.stderr)
        XCTAssertTrue(
            classical.stdout.contains("--max-frames 1000 lowers the default --min-frames 20000 to 1000"),
            classical.stdout)
        XCTAssertTrue(classical.stdout.contains("\nbp5           3       1000 "), classical.stdout)
        let quantum = try run(["qec", "--code", "toric-3", "--decoders", "mwpm", "--p", "0.05", "--max-shots", "500"])
        XCTAssertEqual(quantum.status, 0, quantum.stderr)
        XCTAssertTrue(
            quantum.stdout.contains("--max-shots 500 lowers the default --min-shots 10000 to 500"), quantum.stdout)
        let both = try run(["--code", "HAMMING-7-4", "--min-frames", "5000", "--max-frames", "1000"])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("--max-frames (1000) must be at least --min-frames (5000)"), both.stderr)
    }

    func testBothCommandsTakeTheSameGroups() throws {
        for command in [["simulate"], ["qec", "simulate"]] {
            let help = try run(command + ["--help"])
            for flag in [
                "--threads", "--seed", "--min-errors", "--min-frames", "--max-frames", "--json", "--csv", "--plot",
            ] {
                XCTAssertTrue(help.stdout.contains(flag), "\(command) lacks \(flag)")
            }
        }
    }
}
