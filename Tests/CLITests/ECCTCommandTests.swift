import Foundation
import Neural
import TestSupport
import XCTest

/// `eccbench train`, `infer` and the `ecct` decoder names, end to end.
final class ECCTCommandTests: XCTestCase {
    /// Test resources of the ECCT tests: the reference fixture (weights, inputs, logits) and its code.
    func fixture(_ name: String) -> String {
        TestResources.path(name.hasSuffix(".txt") ? name : "ecct-bch63-45-N2-d32/" + name)
    }

    func testInferReproducesReferenceLogits() throws {
        let out = temp("logits.safetensors")
        let r = try runSucceeding([
            "infer", "--code", fixture("BCH_N63_K45.txt"), "--weights", fixture("weights.safetensors"),
            "--inputs", fixture("io.safetensors"), "--out", out,
        ])
        XCTAssertTrue(r.stdout.contains("N = 2, d = 32"), r.stdout)
        let logits = try XCTUnwrap(SafeTensors.read(path: out).tensors["logits"])
        let expected = try XCTUnwrap(SafeTensors.read(path: fixture("io.safetensors")).tensors["logits"])
        XCTAssertEqual(logits.shape, expected.shape)
        let diff = zip(logits.values, expected.values).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(diff, 1e-5)
        // sizes that disagree with the weights, and weights for another code
        let wrong = try run([
            "infer", "--code", fixture("BCH_N63_K45.txt"), "--weights", fixture("weights.safetensors"),
            "--inputs", fixture("io.safetensors"), "--out", out, "--dim", "64",
        ])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("d = 32, --dim says 64"), wrong.stderr)
        let other = try run([
            "infer", "--code", "BCH-31-16", "--weights", fixture("weights.safetensors"),
            "--inputs", fixture("io.safetensors"), "--out", out,
        ])
        XCTAssertNotEqual(other.status, 0)
        XCTAssertTrue(other.stderr.contains("'src_embed' has 81 tokens"), other.stderr)
    }

    func testTrainingBadInputGivesClearErrors() throws {
        let cases: [([String], String)] = [
            (["train", "--dim", "12", "--out", temp("x.safetensors")], "multiple of 8"),
            (["train", "--code", "NOPE-1-1", "--out", temp("x.safetensors")], "NOPE-1-1"),
            (["train", "--lr", "-1", "--out", temp("x.safetensors")], "learning rate"),
            (["train", "--resume", "--out", temp("missing.safetensors")], "no checkpoint"),
            (["train", "--out", "/no/such/folder/m.safetensors"], "does not exist"),
            (["--code", "HAMMING-7-4", "--decoders", "ecct"], "no shipped ECCT model for HAMMING-7-4"),
            (["--code", "HAMMING-7-4", "--decoders", "ecct:/no/such.safetensors"], "does not exist"),
        ]
        for (args, message) in cases { try runFailing(args, saying: message) }
    }

    /// A run killed with SIGKILL leaves a valid checkpoint; --resume finishes it with exactly the weights of an
    /// uninterrupted run; the trained weights decode through `--decoders ecct:FILE`.
    func testKilledRunResumesToTheSameWeights() throws {
        let args = [
            "train", "--code", "HAMMING-7-4", "--layers", "1", "--dim", "8", "--epochs", "4", "--steps-per-epoch",
            "150",
            "--batch-size", "32", "--validation-words", "200", "--lr", "3e-3", "--threads", "2",
        ]
        let straight = temp("straight.safetensors"), killed = temp("killed.safetensors")
        let s = try run(args + ["--out", straight])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertTrue(s.stdout.contains("finished after 600 of 600 steps"), s.stdout)

        let p = Process()
        p.executableURL = binary
        p.arguments = args + ["--out", killed]
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        try p.run()
        let start = Date()
        while !FileManager.default.fileExists(atPath: killed), Date().timeIntervalSince(start) < 60 { usleep(2000) }
        usleep(150_000)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let (_, meta) = try SafeTensors.read(path: killed)
        XCTAssertNotNil(meta["state"], "the checkpoint left by the kill is complete")
        let r = try runSucceeding(["train", "--code", "HAMMING-7-4", "--resume", "--out", killed, "--threads", "2"])
        XCTAssertTrue(r.stdout.contains("resuming") && r.stdout.contains("finished after 600 of 600 steps"), r.stdout)
        let a = try SafeTensors.read(path: straight).tensors, b = try SafeTensors.read(path: killed).tensors
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        for (name, t) in a { XCTAssertEqual(t, b[name], name) }

        let resumeChange = try run(["train", "--code", "HAMMING-7-4", "--resume", "--out", killed, "--lr", "1e-2"])
        XCTAssertNotEqual(resumeChange.status, 0)
        XCTAssertTrue(
            resumeChange.stderr.contains("--lr 0.01 differs from 0.003 stored in the run"), resumeChange.stderr)

        let sim = try runSucceeding([
            "--code", "HAMMING-7-4", "--decoders", "ecct:\(straight)", "--ebn0", "4", "--min-errors", "10",
            "--min-frames", "2000", "--max-frames", "2000",
        ])
        XCTAssertTrue(sim.stdout.contains("ecct:"), sim.stdout)
    }

    /// The default decoder set of a code with a shipped model includes the ECCT.
    func testDefaultRunIncludesTheShippedECCT() throws {
        let r = try runSucceeding([
            "--code", "BCH-63-45", "--ebn0", "6", "--min-errors", "1", "--min-frames", "256", "--max-frames", "256",
        ])
        let rows = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(rows.contains { $0.hasPrefix("ecct ") }, r.stdout)
        XCTAssertTrue(rows.contains { $0.hasPrefix("bp50 ") }, r.stdout)
        // a code given by a file finds its model from H: the LDPC-49-24 benchmark alist
        let ldpc = try runSucceeding([
            "--code", TestResources.path("LDPC_N49_K24.alist"), "--ebn0", "6", "--min-errors", "1",
            "--min-frames", "256", "--max-frames", "256",
        ])
        XCTAssertTrue(ldpc.stdout.split(separator: "\n").contains { $0.hasPrefix("ecct ") }, ldpc.stdout)
        try runSucceeding([
            "--code", TestResources.path("LDPC_N49_K24.alist"), "--decoders", "ecct,ecct+tta4", "--ebn0", "6",
            "--min-errors", "1", "--min-frames", "256", "--max-frames", "256",
        ])
    }
}
