import Foundation
import Neural
import TestSupport
import XCTest

/// `eccbench qec`: the LER table, JSON/CSV/SVG outputs, thresholds, code listing and export, and bad input.
final class QECCommandTests: XCTestCase {
    func testLogicalErrorRateTableAndOutputs() throws {
        let json = temp("qec.json"), csv = temp("qec.csv"), svg = temp("qec.svg")
        let r = try runSucceeding([
            "qec", "--code", "toric-4", "--noise", "depolarizing", "--p", "0.05,0.1", "--decoders", "mwpm,uf,bposd",
            "--min-shots", "2000", "--max-shots", "2000", "--seed", "3", "--json", json, "--csv", csv, "--plot", svg,
        ])
        XCTAssertTrue(r.stdout.contains("toric-4 (n = 32, k = 2"), r.stdout)
        for d in ["mwpm", "uf", "bposd"] { XCTAssertTrue(r.stdout.contains("toric-4    \(d)"), r.stdout) }
        let object = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let code = try XCTUnwrap(object["code"] as? [String: Any])
        XCTAssertEqual(code["name"] as? String, "toric-4")
        XCTAssertEqual(code["n"] as? Int, 32)
        XCTAssertEqual(code["k"] as? Int, 2)
        XCTAssertEqual(code["checks"] as? Int, 32)
        let points = try XCTUnwrap(object["points"] as? [[String: Any]])
        XCTAssertEqual(points.count, 6)
        for key in [
            "decoder", "noise", "p", "rounds", "shots", "failures", "ler", "ler_ci", "seconds", "shots_per_second",
        ] {
            XCTAssertNotNil(points[0][key], key)
        }
        XCTAssertEqual(points[0]["shots"] as? Int, 2000)
        let ler = try XCTUnwrap(points[1]["ler"] as? Double), failures = try XCTUnwrap(points[1]["failures"] as? Int)
        XCTAssertEqual(ler, Double(failures) / 2000, accuracy: 1e-12)
        XCTAssertEqual(try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").count, 7)
        XCTAssertTrue(try String(contentsOfFile: svg, encoding: .utf8).contains("toric-4 mwpm"))
        // The same seed gives the same counts on one thread.
        let again = try run([
            "qec", "--code", "toric-4", "--noise", "depolarizing", "--p", "0.05,0.1", "--decoders", "mwpm",
            "--min-shots", "2000", "--max-shots", "2000", "--seed", "3", "--threads", "1",
        ])
        let line = r.stdout.split(separator: "\n").first { $0.contains("mwpm") && $0.contains(" 0.1 ") }!
        let lineAgain = again.stdout.split(separator: "\n").first { $0.contains("mwpm") && $0.contains(" 0.1 ") }!
        XCTAssertEqual(line.split(separator: " ")[4], lineAgain.split(separator: " ")[4], "failures at p = 0.1")
    }

    func testThresholdCommandReportsCrossings() throws {
        let r = try runSucceeding([
            "qec", "threshold", "--family", "toric", "--sizes", "4,6", "--noise", "independent", "--p", "0.06,0.14",
            "--decoders", "mwpm", "--min-shots", "3000", "--max-shots", "3000",
        ])
        XCTAssertTrue(r.stdout.contains("mwpm   4 / 6: 0."), r.stdout)
        XCTAssertTrue(r.stdout.contains("estimate"), r.stdout)
    }

    func testCodesAndExport() throws {
        let list = try run(["qec", "codes"])
        XCTAssertEqual(list.status, 0)
        XCTAssertTrue(
            list.stdout.contains("toric-L") && list.stdout.contains("surface-d") && list.stdout.contains("planar-d"))
        let info = try run(["qec", "code", "surface-3"])
        XCTAssertTrue(
            info.stdout.contains("n = 9 qubits, k = 1") && info.stdout.contains("distance: X 3, Z 3"), info.stdout)
        let export = try run(["qec", "code", "toric-2", "--export"])
        XCTAssertEqual(export.status, 0)
        XCTAssertTrue(
            export.stdout.contains("# H_X: 4 × 8") && export.stdout.contains("# logical Z: 2 × 8"), export.stdout)
    }

    func testBadInputIsRefusedWithTheField() throws {
        let cases: [([String], String)] = [
            (["qec", "--code", "toric-1"], "L must be in 2..."),
            (["qec", "--code", "torus-4"], "closest names: toric-4"),
            (["qec", "--code", "surface-4"], "odd"),
            (["qec", "--noise", "pink"], "unknown noise 'pink'"),
            (["qec", "--p", "1.5"], "outside [0, 1]"),
            (["qec", "--p", "nan"], "not a decimal number"),
            (["qec", "--rounds", "0"], "--rounds must be in 1...1024"),
            (["qec", "--rounds", "many"], "--rounds 'many'"),
            (["qec", "--decoders", "mwmp"], "did you mean 'mwpm'"),
            (
                [
                    "qec", "--code", "toric-3", "--rounds", "3", "--decoders", "bposd", "--max-shots", "100",
                    "--min-shots", "100",
                ],
                "one measurement round"
            ),
            (["qec", "threshold", "--sizes", "6,4"], "ascending"),
            (["qec", "--json", "/nonexistent-dir/x.json"], "does not exist"),
        ]
        for (args, message) in cases { try runFailing(args, saying: message) }
    }
}

extension QECCommandTests {
    /// `noise_estimate` and `logits` of qec infer's output equal the reference's to 1e-4, shapes included.
    func assertOutputsMatch(_ out: String, _ reference: String, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        let ours = try SafeTensors.read(path: out).tensors, ref = try SafeTensors.read(path: reference).tensors
        for name in ["noise_estimate", "logits"] {
            let a = try XCTUnwrap(ours[name], file: file, line: line),
                b = try XCTUnwrap(ref[name], file: file, line: line)
            XCTAssertEqual(a.shape, b.shape, name, file: file, line: line)
            XCTAssertLessThan(zip(a.values, b.values).map { abs($0 - $1) }.max()!, 1e-4, name, file: file, line: line)
        }
    }

    /// qec infer reproduces the reference fixture's noise estimate and logits from its weights and syndromes.
    func testInferReproducesTheDQECFixture() throws {
        let dir = TestResources.path("dqec-toric4-depol-N2-d32-h8")
        let out = temp("dqec-out.safetensors")
        try runSucceeding([
            "qec", "infer", "--code", "toric-4", "--noise", "depolarizing", "--weights", dir + "/weights.safetensors",
            "--inputs", dir + "/io.safetensors", "--out", out, "--heads", "8",
        ])
        try assertOutputsMatch(out, dir + "/io.safetensors")
        // Another code's H in the inputs, or the wrong noise model, is refused.
        let wrong = try run([
            "qec", "infer", "--code", "toric-4", "--noise", "independent", "--weights", dir + "/weights.safetensors",
            "--inputs", dir + "/io.safetensors", "--out", out, "--heads", "8",
        ])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("'H' has shape"), wrong.stderr)
    }

    /// qec infer --rounds T reads syndrome [B, T, m] and reproduces the reference's repeated-measurement model;
    /// a one-round shape with --rounds 3 (or the reverse) is refused naming the shape.
    func testInferWithRoundsReproducesTheReference() throws {
        let dir = TestResources.path("dqec-toric4-indep-T3-N3-d16-h4")
        let out = temp("dqec-rounds-out.safetensors")
        let args = [
            "qec", "infer", "--code", "toric-4", "--noise", "independent", "--weights", dir + "/weights.safetensors",
            "--inputs", dir + "/io.safetensors", "--out", out, "--heads", "4",
        ]
        let r = try run(args + ["--rounds", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertOutputsMatch(out, dir + "/io.safetensors")
        for rounds in ["1", "4"] {
            let wrong = try run(args + ["--rounds", rounds])
            XCTAssertNotEqual(wrong.status, 0)
            XCTAssertTrue(wrong.stderr.contains("'syndrome' has shape [16, 3, 16]"), wrong.stderr)
        }
    }

    /// What the file records is not silently overridden: heads and rounds it records are checked, a file that records
    /// no head count needs one, and 0/1 syndromes (the decoder takes ±1) are refused with the mapping named.
    func testMismatchesWithTheFileAreRefused() throws {
        let dir = TestResources.path("dqec-toric4-depol-N2-d32-h8"), out = temp("dqec-mismatch.safetensors")
        let args = [
            "qec", "infer", "--code", "toric-4", "--noise", "depolarizing", "--weights", dir + "/weights.safetensors",
            "--out", out,
        ]
        let export = temp("dqec-export.safetensors")  // a reference export records no head count
        try SafeTensors.write(try SafeTensors.read(path: dir + "/weights.safetensors").tensors, to: export)
        let noHeads = try run(
            [
                "qec", "infer", "--code", "toric-4", "--noise", "depolarizing", "--weights", export, "--out", out,
                "--inputs", dir + "/io.safetensors",
            ])
        XCTAssertNotEqual(noHeads.status, 0)
        XCTAssertTrue(noHeads.stderr.contains("records no head count"), noHeads.stderr)
        var io = try SafeTensors.read(path: dir + "/io.safetensors").tensors
        let s = try XCTUnwrap(io["syndrome"])
        io["syndrome"] = Tensor(shape: s.shape, values: s.values.map { $0 < 0 ? 1 : 0 })
        let bits = temp("dqec-bits.safetensors")
        try SafeTensors.write(io, to: bits)
        let zeroOne = try run(args + ["--inputs", bits, "--heads", "8"])
        XCTAssertNotEqual(zeroOne.status, 0)
        XCTAssertTrue(zeroOne.stderr.contains("look like 0/1 bits, map them with s ↦ 1 − 2s"), zeroOne.stderr)
        // a shipped model records 8 heads and one round
        let shipped = try run([
            "qec", "--code", "toric-4", "--noise", "depolarizing", "--p", "0.05", "--max-shots", "100",
            "--decoders", "neural:\(Self.shippedT1)@16",
        ])
        XCTAssertNotEqual(shipped.status, 0)
        XCTAssertTrue(shipped.stderr.contains("records 8 attention heads; 16 contradicts it"), shipped.stderr)
        let rounds = try run([
            "qec", "--code", "toric-4", "--noise", "depolarizing", "--p", "0.05", "--max-shots", "100",
            "--rounds", "2", "--decoders", "neural:\(Self.shippedT1)",
        ])
        XCTAssertNotEqual(rounds.status, 0)
        XCTAssertTrue(rounds.stderr.contains("trained on 1 measurement round(s); these shots have 2"), rounds.stderr)
    }

    /// The shipped one-round depolarising model, in the build's resource bundle.
    static var shippedT1: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("eccbench_QECC.resources/Models/toric-4_depolarizing_T1_N2_d32.safetensors")
        return bundle.path
    }
}
