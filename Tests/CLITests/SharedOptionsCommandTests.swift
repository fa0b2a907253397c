import Foundation
import TestSupport
import XCTest

/// `eccbench` and `eccbench qec` share their option groups: threads and seed, the stop rule (a maximum alone lowers the
/// default minimum, and says so), the result files.
final class SharedOptionsCommandTests: XCTestCase {
    func testAMaximumAloneLowersTheDefaultMinimum() throws {
        let classical = try runSucceeding([
            "--code", "HAMMING-7-4", "--decoders", "bp5", "--ebn0", "3", "--max-frames", "1000",
        ])
        XCTAssertTrue(
            classical.stdout.contains("--max-frames 1000 lowers the default --min-frames 20000 to 1000"),
            classical.stdout)
        XCTAssertTrue(classical.stdout.contains("\nbp5           3       1000 "), classical.stdout)
        let quantum = try runSucceeding([
            "qec", "--code", "toric-3", "--decoders", "mwpm", "--p", "0.05", "--max-shots", "500",
        ])
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

/// Decoders from files, or any decoder, can carry the user's label into the table, CSV and JSON; two decoders under
/// one label are refused (a plot would join them into one line).
final class DecoderLabelCommandTests: XCTestCase {
    func testLabelsReachEveryOutputAndMustBeDistinct() throws {
        let csv = temp("labels.csv"), json = temp("labels.json")
        let r = try runSucceeding([
            "--code", "HAMMING-7-4", "--decoders", "few=bp5,many=bp50", "--ebn0", "3", "--max-frames", "1000",
            "--csv", csv, "--json", json,
        ])
        for label in ["few", "many"] {
            XCTAssertTrue(r.stdout.contains("\n\(label) "), r.stdout)
            XCTAssertTrue(try String(contentsOfFile: csv, encoding: .utf8).contains("\(label),"), label)
            XCTAssertTrue(try String(contentsOfFile: json, encoding: .utf8).contains("\"\(label)\""), label)
        }
        let twice = try run(["--code", "HAMMING-7-4", "--decoders", "bp5,bp5", "--ebn0", "3", "--max-frames", "100"])
        XCTAssertNotEqual(twice.status, 0)
        XCTAssertTrue(twice.stderr.contains("two decoders are labelled 'bp5'"), twice.stderr)
        let quantum = try run([
            "qec", "--code", "toric-3", "--decoders", "a=mwpm,a=uf", "--p", "0.05", "--max-shots", "100",
        ])
        XCTAssertNotEqual(quantum.status, 0)
        XCTAssertTrue(quantum.stderr.contains("two decoders are labelled 'a'"), quantum.stderr)
    }
}

/// `eccbench-benchmarks` has a real --help and refuses what it does not know.
final class BenchmarkCommandTests: XCTestCase {
    func testHelpAndUnknownSections() throws {
        let help = try run(["--help"], executable: "eccbench-benchmarks")
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(
            help.stdout.contains("USAGE: eccbench-benchmarks") && help.stdout.contains("--only SECTION"), help.stdout)
        let unknown = try run(["--only", "nosuch"], executable: "eccbench-benchmarks")
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("--only 'nosuch' names no section"), unknown.stderr)
    }
}

/// Forgiving input: a range written 4-6 is answered with the range syntax; qec threshold checks every decoder on every
/// size before it simulates anything.
final class ForgivingInputCommandTests: XCTestCase {
    func testRangeSyntaxIsSuggestedAndThresholdChecksFirst() throws {
        let range = try run(["--code", "HAMMING-7-4", "--ebn0", "4-6"])
        XCTAssertNotEqual(range.status, 0)
        XCTAssertTrue(range.stderr.contains("a range is start:stop:step, e.g. --ebn0 4:6:1"), range.stderr)
        let threshold = try run([
            "qec", "threshold", "--family", "toric", "--sizes", "4,8", "--p", "0.1", "--decoders",
            "mwpm,neural", "--max-shots", "100",
        ])
        XCTAssertNotEqual(threshold.status, 0)
        XCTAssertTrue(threshold.stderr.contains("decoder 'neural' on toric-8"), threshold.stderr)
        XCTAssertFalse(threshold.stdout.contains("toric-4   "), "nothing was simulated first: \(threshold.stdout)")
    }
}

/// Plots: y-axis labels, 95% bars, zero-error points as marked upper bounds, the legend beside the data, the threshold
/// crossing marked; result files with clean numbers and the version, seed and stop rule.
final class PlotCommandTests: XCTestCase {
    func testPlotsAndResultFiles() throws {
        let plot = temp("plot.svg"), json = temp("plot.json")
        try runSucceeding([
            "--code", "HAMMING-7-4", "--decoders", "bp5,osd2", "--ebn0", "2,9", "--max-frames", "300",
            "--plot", plot, "--json", json,
        ])
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        for text in ["bit error rate", "frame error rate", "bars: 95% intervals", "no errors: 95% upper bound"] {
            XCTAssertTrue(svg.contains(text), text)
        }
        let object = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json)))
                as? [String: Any])
        XCTAssertNotNil(object["eccbench_version"])
        XCTAssertEqual(object["seed"] as? Int, 1)
        let qplot = temp("threshold.svg"), qcsv = temp("threshold.csv")
        try runSucceeding([
            "qec", "threshold", "--family", "toric", "--sizes", "4,6", "--noise", "independent", "--p",
            "0.05:0.15:0.025", "--decoders", "mwpm", "--max-shots", "2000", "--plot", qplot, "--csv", qcsv,
        ])
        XCTAssertTrue(try String(contentsOfFile: qplot, encoding: .utf8).contains("mwpm threshold"))
        let ps = try String(contentsOfFile: qcsv, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",")[5] }
        XCTAssertEqual(Set(ps), ["0.05", "0.075", "0.1", "0.125", "0.15"], "clean p values")
    }
}
