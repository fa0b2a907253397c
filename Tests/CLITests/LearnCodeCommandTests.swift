import Foundation
import Neural
import TestSupport
import XCTest

/// `eccbench learn-code` (train, resume, check), `code --distance`, the dc-ecct decoder, and bad input.
final class LearnCodeCommandTests: XCTestCase {
    func testCheckReproducesTheReferenceFixture() throws {
        let folder = "learned-31-16-N2-d32", out = temp("learned-check.safetensors")
        try runSucceeding([
            "learn-code", "check", "--weights", TestResources.path("\(folder)/weights.safetensors"),
            "--inputs", TestResources.path("\(folder)/io.safetensors"), "--out", out,
        ])
        let ours = try SafeTensors.read(path: out).tensors
        let ref = try SafeTensors.read(path: TestResources.path("\(folder)/io.safetensors")).tensors
        XCTAssertEqual(Set(ours.keys), Set(ref.keys).subtracting(["message", "noise"]))
        for (name, t) in ours {
            let r = try XCTUnwrap(ref[name]), scale = max(r.values.map(abs).max()!, 1e-12)
            XCTAssertEqual(t.shape, r.shape, name)
            XCTAssertLessThan(zip(t.values, r.values).map { abs($0 - $1) }.max()! / scale, 1e-4, name)
        }
    }

    func testTrainResumeExportAndDecodeTheLearnedCode() throws {
        let code = temp("lc.alist"), dec = temp("lc.safetensors")
        let args = [
            "learn-code", "--n", "15", "--k", "7", "--layers", "1", "--dim", "16", "--epochs", "2", "--steps-per-epoch",
            "3",
            "--batch", "16", "--validation-words", "256", "--out", code, "--decoder-out", dec,
        ]
        let first = try run(args + ["--minutes", "0.000001"])  // stops after its first step, with a checkpoint
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("0 of 2 epochs done (step 1 of 6)"), first.stdout)
        let resumed = try runSucceeding(["learn-code", "--resume", "--out", code, "--decoder-out", dec])
        XCTAssertTrue(
            resumed.stdout.contains("resuming") && resumed.stdout.contains("2 of 2 epochs done"), resumed.stdout)
        let sim = try runSucceeding([
            "--code", code, "--decoders", "dc-ecct:\(dec),bp50,osd2", "--ebn0", "3", "--min-frames", "200",
            "--max-frames", "200", "--min-errors", "1",
        ])
        XCTAssertTrue(sim.stdout.contains("dc-ecct:") && sim.stdout.contains("osd2"), sim.stdout)
        let distance = try runSucceeding(["code", code, "--distance"])
        XCTAssertTrue(distance.stdout.contains("n = 15, k = 7, minimum distance d = "), distance.stdout)
        // the joint decoder refuses another code
        let wrong = try run([
            "--code", "BCH-15-7", "--decoders", "dc-ecct:\(dec)", "--ebn0", "3", "--min-frames", "100", "--max-frames",
            "100",
        ])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("decodes its own learned (15, 7) code"), wrong.stderr)
        // resuming with another size is refused, naming both
        let other = try run(["learn-code", "--resume", "--n", "31", "--k", "16", "--out", code, "--decoder-out", dec])
        XCTAssertNotEqual(other.status, 0)
        XCTAssertTrue(other.stderr.contains("(15, 7)") && other.stderr.contains("(31, 16)"), other.stderr)
    }

    func testShippedLearnedCodeRunsWithItsJointDecoderByDefault() throws {
        let r = try runSucceeding([
            "--code", "LEARNED-31-16", "--ebn0", "4", "--min-frames", "500", "--max-frames", "500", "--min-errors", "1",
        ])
        for d in ["bp50", "osd2", "dc-ecct"] {
            XCTAssertTrue(r.stdout.contains("\n\(d) "), "\(d) missing: \(r.stdout)")
        }
    }

    func testBadSizesAndInitialCodesNameTheField() throws {
        let out = ["--out", temp("bad.alist"), "--decoder-out", temp("bad.safetensors")]
        for (args, expected) in [
            (["--n", "16", "--k", "16"], "--n = 16"), (["--n", "16", "--k", "0"], "--k = 0"),
            (["--n", "5000", "--k", "16"], "--n = 5000"), (["--n", "31"], "give --n and --k"),
            (["--n", "31", "--k", "16", "--init", "BCH-63-45"], "a (63, 45) code"),
            (["--n", "31", "--k", "16", "--init", "NOPE-1-2"], "unknown code 'NOPE-1-2'"),
        ] {
            try runFailing(["learn-code"] + args + out, saying: expected)
        }
        let missing = try run([
            "learn-code", "check", "--weights", temp("none.safetensors"), "--inputs", temp("none2"), "--out", temp("o"),
        ])
        XCTAssertNotEqual(missing.status, 0)
        let distance = try run(["code", "BCH-63-36", "--distance"])
        XCTAssertNotEqual(distance.status, 0)
        XCTAssertTrue(distance.stderr.contains("k = 36"), distance.stderr)
    }
}
