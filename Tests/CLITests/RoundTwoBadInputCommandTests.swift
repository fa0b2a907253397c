import Foundation
import TestSupport
import XCTest

/// The bad input of issue 27 on the surfaces round 2 added, through the command: each ends with a clear error naming
/// the field or file (or, for the outputs, writes where it should), never a signal, a hang or a silent result.
final class RoundTwoBadInputCommandTests: XCTestCase {
    func refused(_ args: [String], saying text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try run(args)
        XCTAssertTrue([1, 64].contains(r.status), "\(args): status \(r.status) \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(text), "\(args): \(r.stderr)", file: file, line: line)
    }

    func testQuantumSizesProbabilitiesAndModelsAreRefusedOrDecoded() throws {
        try refused(["qec", "--code", "toric-200", "--p", "0.1"], saying: "L must be in 2...100")
        try refused(["qec", "--code", "toric-100", "--p", "0.2", "--decoders", "mwpm"], saying: "defects a shot")
        try refused(
            ["qec", "--code", "toric-4", "--p", "1e-18", "--nonzero-only", "--max-shots", "10"],
            saying: "--nonzero-only at p = 1e-18")
        try refused(
            ["qec", "train", "--code", "toric-4", "--layers", "64", "--dim", "4096", "--out", temp("q64.safetensors")],
            saying: "GiB")
        try refused(
            ["learn-code", "--n", "1024", "--k", "1", "--out", temp("l1024.safetensors")], saying: "GiB of activations")
        // subnormal probabilities decode (the log-likelihood weights stay finite)
        for p in ["1e-320", "5e-324"] {
            let r = try runSucceeding([
                "qec", "--code", "toric-4", "--decoders", "mwpm,uf", "--p", p, "--max-shots", "64",
            ])
            XCTAssertTrue(r.stdout.contains("mwpm") && r.stdout.contains("uf"), r.stdout)
        }
    }

    func testOutputsNamingOneFileOrNoneAreRefusedAndDevicesAreWrittenThrough() throws {
        let x = temp("same.safetensors")
        try refused(
            ["train", "--code", "HAMMING-7-4", "--out", x, "--curve", x], saying: "--out and --curve name the same file"
        )
        try refused(
            ["learn-code", "--n", "7", "--k", "4", "--out", x, "--code-out", x],
            saying: "--out and --code-out name the same file")
        try refused(["train", "--code", "HAMMING-7-4", "--out", ""], saying: "the path is empty")
        try refused(["dataset", "--code", "HAMMING-7-4", "--size", "10", "--out", ""], saying: "the path is empty")
        // a device is written through, not replaced
        try runSucceeding([
            "--code", "HAMMING-7-4", "--decoders", "bp5", "--ebn0", "3", "--max-frames", "256", "--json", "/dev/null",
        ])
        var info = stat()
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")
        // a symbolic link is followed: the file it names is written and the link stays
        let target = temp("link-target.csv"), link = temp("link.csv")
        for path in [target, link] { try? FileManager.default.removeItem(atPath: path) }
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try runSucceeding([
            "--code", "HAMMING-7-4", "--decoders", "bp5", "--ebn0", "3", "--max-frames", "256", "--csv", link,
        ])
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), target)
        XCTAssertTrue(try String(contentsOfFile: target, encoding: .utf8).contains("bp5"))
    }

    func testDatasetInputsAreChecked() throws {
        try refused(
            ["dataset", "--code", "HAMMING-7-4", "--size", "10", "--ebn0=-1000", "--out", temp("ds-ebn0")],
            saying: "−40…40 dB")
        try refused(
            ["train", "--code", "HAMMING-7-4", "--data", "", "--out", temp("data-empty.safetensors")],
            saying: "names an empty folder")
    }
}
