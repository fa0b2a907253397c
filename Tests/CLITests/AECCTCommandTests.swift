import Foundation
import Neural
import TestSupport
import XCTest

/// `eccbench infer` on the reference AECCT fixture (fp, qat, frozen), and the three-step AECCT recipe end to end:
/// `train --arch aecct`, `train --qat-from`, `quantize`, then the `aecct:FILE` decoder.
final class AECCTCommandTests: XCTestCase {
    func fixture(_ name: String) -> String { TestResources.path("aecct-bch63-45-N2-d32/" + name) }

    func infer(_ weights: String, _ extra: [String]) throws -> [Float] {
        let out = temp("aecct-logits.safetensors")
        let r = try run(
            [
                "infer", "--code", TestResources.path("BCH_N63_K45.txt"), "--weights", fixture(weights),
                "--inputs", fixture("io.safetensors"), "--out", out,
            ] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(SafeTensors.read(path: out).tensors["logits"]).values
    }

    func testInferReproducesTheReferenceAtEachPrecision() throws {
        let io = try SafeTensors.read(path: fixture("io.safetensors")).tensors
        let cases: [(String, [String], String)] = [
            ("weights.safetensors", ["--mode", "fp"], "logits_fp"),
            ("weights.safetensors", ["--mode", "qat", "--activation-scale", "tensor"], "logits_qat"),
            ("weights_int.safetensors", ["--activation-scale", "tensor"], "logits_int"),
        ]
        for (weights, extra, key) in cases {
            let ours = try infer(weights, extra), want = try XCTUnwrap(io[key]).values
            let off = Set(
                zip(ours, want).enumerated().filter { abs($0.element.0 - $0.element.1) > 1e-4 }.map { $0.offset / 63 })
            let worst = zip(ours, want).map { abs($0 - $1) }.max()!
            if key == "logits_fp" {
                XCTAssertLessThan(worst, 1e-4, key)
            } else {
                // quantised: rounding at .5 moves a few words (AECCTParityTests)
                XCTAssertLessThanOrEqual(off.count, 6, key); XCTAssertLessThan(worst, 1e-2, key)
            }
        }
        // the default mode is told from the tensors: δ present → qat
        let r = try run([
            "infer", "--code", TestResources.path("BCH_N63_K45.txt"), "--weights", fixture("weights.safetensors"),
            "--inputs", fixture("io.safetensors"), "--out", temp("x.safetensors"),
        ])
        XCTAssertTrue(r.stdout.contains("aecct (qat, token scales)"), r.stdout)
        let bad = try run([
            "infer", "--code", TestResources.path("BCH_N63_K45.txt"), "--weights", fixture("weights.safetensors"),
            "--inputs", fixture("io.safetensors"), "--out", temp("x.safetensors"), "--mode", "frozen",
        ])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("not frozen"), bad.stderr)
        // tensor scales run every word in one pass: a batch beyond the bound is refused before anything is allocated
        let big = temp("aecct-big.safetensors"), B = 4097
        try SafeTensors.write(
            [
                "magnitude": Tensor(shape: [B, 63], values: [Float](repeating: 1, count: B * 63)),
                "syndrome": Tensor(shape: [B, 18], values: [Float](repeating: 1, count: B * 18)),
            ], to: big)
        let huge = try run([
            "infer", "--code", TestResources.path("BCH_N63_K45.txt"), "--weights", fixture("weights_int.safetensors"),
            "--inputs", big, "--out", temp("x.safetensors"), "--activation-scale", "tensor",
        ])
        XCTAssertNotEqual(huge.status, 0)
        XCTAssertTrue(huge.stderr.contains("4097 words with --activation-scale tensor"), huge.stderr)
    }

    func testThreeStepRecipeEndToEnd() throws {
        let p1 = temp("cli-aecct-p1.safetensors"), p2 = temp("cli-aecct-p2.safetensors"),
            frozen = temp("cli-aecct-frozen.safetensors")
        for f in [p1, p2, frozen] { try? FileManager.default.removeItem(atPath: f) }
        let common = [
            "--code", "HAMMING-7-4", "--epochs", "1", "--steps-per-epoch", "20", "--batch-size", "32",
            "--validation-words", "100", "--lr", "1e-3",
        ]
        var r = try run(["train", "--arch", "aecct", "--layers", "1", "--dim", "16", "--out", p1] + common)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("AECCT (FP32) HAMMING-7-4"), r.stdout)
        r = try run(["train", "--qat-from", p1, "--out", p2] + common)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("AECCT (QAT, TOKEN SCALES)"), r.stdout)
        r = try run(["quantize", p2, "--out", frozen])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("6 ternary matrices"), r.stdout)  // Q, K, V, out, W₁, W₂ of one layer
        r = try run([
            "--code", "HAMMING-7-4", "--decoders", "bp5,aecct:\(frozen),aecct:\(p2)", "--ebn0", "4", "--min-frames",
            "2000",
            "--max-frames", "2000",
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("aecct:\(frozen)"), r.stdout)
        // wrong family for the decoder name, and --activation-scale without --qat-from
        r = try run([
            "--code", "HAMMING-7-4", "--decoders", "ecct:\(frozen)", "--ebn0", "4", "--min-frames", "100",
            "--max-frames", "100",
        ])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("use aecct:FILE"), r.stderr)
        r = try run(
            ["train", "--arch", "aecct", "--activation-scale", "tensor", "--out", temp("y.safetensors")] + common)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--activation-scale belongs to AECCT phase 2"), r.stderr)
    }
}
