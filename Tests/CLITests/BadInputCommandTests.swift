import Foundation
import Neural
import TestSupport
import XCTest

/// Options and paths a hostile user gives: clear errors before any work, never a crash or a NaN with exit 0.
final class BadInputCommandTests: XCTestCase {
    func testNegativeNumbersParseAndHexIsRejected() throws {
        let ok = try runSucceeding([
            "--code", "HAMMING-7-4", "--decoders", "bp5", "--ebn0", "-5", "--min-frames", "256", "--max-frames", "256",
        ])
        XCTAssertTrue(ok.stdout.contains("bp5          -5"), ok.stdout)
        try runSucceeding([
            "--code", "HAMMING-7-4", "--decoders", "bp5", "--ebn0", "-2:-1:1", "--min-frames", "256", "--max-frames",
            "256",
        ])
        for bad in ["0x10", "inf", "nan", "1e400"] {
            let r = try run(["--code", "HAMMING-7-4", "--ebn0", bad])
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains("'\(bad)' is not a decimal number"), r.stderr)
        }
        let huge = try run(["--code", "HAMMING-7-4", "--ebn0", "0:1e300:1e-300"])
        XCTAssertNotEqual(huge.status, 0)
        XCTAssertTrue(huge.stderr.contains("at most 1000"), huge.stderr)
    }

    func testFrameCountsAreBounded() throws {
        let r = try run([
            "--code", "HAMMING-7-4", "--decoders", "bp5", "--max-frames", "9223372036854775807", "--min-frames", "1",
            "--min-errors", "0",
        ])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--max-frames 9223372036854775807 is more than the limit"), r.stderr)
    }

    /// Output paths are checked before the simulation: a bad one fails at once, naming the path and the reason.
    func testOutputPathsAreCheckedBeforeAnyWork() throws {
        let dir = URL(fileURLWithPath: temp("x")).deletingLastPathComponent().path
        for (option, path, reason) in [
            ("--json", "/nonexistent-dir/out.json", "does not exist"), ("--csv", dir, "is a folder"),
        ] {
            let started = Date()
            let r = try run(["--code", "BCH-63-45", "--decoders", "osd3", "--min-frames", "1000000", option, path])
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(
                r.stderr.contains(path) && r.stderr.contains(reason) && !r.stderr.contains("NSCocoaErrorDomain"),
                r.stderr)
            XCTAssertFalse(r.stdout.contains("osd3 "), "no simulation ran: \(r.stdout)")
            _ = started
        }
        let t = try run(["train", "--code", "HAMMING-7-4", "--out", "/nonexistent-dir/m.safetensors"])
        XCTAssertNotEqual(t.status, 0)
        XCTAssertTrue(t.stderr.contains("does not exist"), t.stderr)
    }

    func testHugeCodesAreRefused() throws {
        for name in ["REP-10000000", "SPC-1000000", "REP-9223372036854775807"] {
            let r = try run(["code", name])
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("exceeds the limit"), r.stderr)
        }
        let t = try run(["train", "--code", "HAMMING-65535-65519", "--out", temp("h.safetensors")])
        XCTAssertEqual(t.status, 1)
        XCTAssertTrue(t.stderr.contains("G would be"), t.stderr)
    }
}

/// The command end to end on mutated weights: exit 0 only with finite logits, otherwise a clean error (status 1).
final class CommandFuzzTests: XCTestCase {
    func testInferOnMutatedWeightsNeverWritesNaN() throws {
        let weights = TestResources.path("ecct-bch63-45-N2-d32/weights.safetensors")
        let io = TestResources.path("ecct-bch63-45-N2-d32/io.safetensors")
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: weights)))
        var mutator = Mutator(seed: 77)
        var ok = 0, failed = 0
        for i in 0..<16 {
            let mutant = temp("mutant-\(i).safetensors"), out = temp("mutant-out-\(i).safetensors")
            var bytes = mutator.mutate(original)
            if i % 2 == 0 {  // scale a run of weights by writing large exponents into the data
                let start = bytes.count - 4000 + mutator.below(3000)
                for j in stride(from: start + 3, to: min(bytes.count, start + 400), by: 4) { bytes[j] = 0x7E }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: mutant))
            let r = try run(["infer", "--code", "BCH-63-45", "--weights", mutant, "--inputs", io, "--out", out])
            if r.status == 0 {
                let logits = try XCTUnwrap(SafeTensors.read(path: out).tensors["logits"])
                XCTAssertTrue(logits.values.allSatisfy(\.isFinite), "mutant \(i): exit 0 with non-finite logits")
                ok += 1
            } else {
                XCTAssertEqual(r.status, 1, "mutant \(i): a clean error, not a signal: \(r.stderr)")
                XCTAssertTrue(r.stderr.hasPrefix("Error: "), r.stderr)
                failed += 1
            }
        }
        XCTAssertGreaterThan(failed, 0)
    }
}
