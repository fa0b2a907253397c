import Codes
import ECCT
import Foundation
import Neural
import TestSupport
import XCTest

/// The reference PyTorch ECCT (BCH-63-45, N = 2, d = 32) in evaluation mode: our logits from its weights and
/// inputs must match its logits (fixture copied from the team's shared folder into the test resources).
final class ReferenceParityTests: XCTestCase {
    func resource(_ name: String) -> String {
        TestResources.path(name.hasSuffix(".txt") ? name : "ecct-bch63-45-N2-d32/" + name)
    }

    func testLogitsMatchReferenceModel() throws {
        let code = try CodeFiles.readCode(path: resource("BCH_N63_K45.txt"))
        let model = try ECCTModel(code: code, layers: 2, width: 32)
        XCTAssertEqual(
            model.network.parameters.count, 33_327, "docs/DESIGN.md §3 parameter count for BCH-63-45, N=2, d=32")
        try model.load(weightsAt: resource("weights.safetensors"))
        let io = try SafeTensors.read(path: resource("io.safetensors")).tensors
        let magnitude = try XCTUnwrap(io["magnitude"]), syndrome = try XCTUnwrap(io["syndrome"]),
            expected = try XCTUnwrap(io["logits"])
        let B = magnitude.shape[0]
        XCTAssertEqual(magnitude.shape, [B, 63]); XCTAssertEqual(syndrome.shape, [B, 18])
        let logits = model.logits(magnitude: magnitude.values, syndrome: syndrome.values, batch: B)
        var maxDiff: Float = 0
        for i in 0..<logits.count { maxDiff = max(maxDiff, abs(logits[i] - expected.values[i])) }
        XCTAssertLessThan(maxDiff, 1e-5, "max |ours − reference| = \(maxDiff)")
        print("ECCT parity: max |logit difference| = \(maxDiff) over \(logits.count) logits")
    }

    /// The reference builds its blocks by deep copies and re-draws only the matrices, so its biases start equal:
    /// the four attention projections of every layer share one bias vector, and each feed-forward bias is the same
    /// in every layer. Ours starts the same way (the weights stay independent draws); `clonedInitialBiases: false`
    /// draws every bias.
    func testInitialBiasesAreClonedAsInTheReference() throws {
        let code = try Catalog.code(named: "BCH-31-16")
        let p = try ECCTModel(code: code, layers: 3, width: 16, seed: 4).network.parameters
        let q = Array(p["decoder.layers.0.self_attn.linears.0.bias"])
        XCTAssertGreaterThan(q.map(abs).max() ?? 0, 0)
        for l in 0..<3 {
            for i in 0..<4 {
                XCTAssertEqual(Array(p["decoder.layers.\(l).self_attn.linears.\(i).bias"]), q, "layer \(l) linear \(i)")
            }
            for w in ["w_1", "w_2"] {
                XCTAssertEqual(
                    p["decoder.layers.\(l).feed_forward.\(w).bias"], p["decoder.layers.0.feed_forward.\(w).bias"])
            }
        }
        XCTAssertNotEqual(
            p["decoder.layers.0.self_attn.linears.0.weight"], p["decoder.layers.1.self_attn.linears.0.weight"])
        let independent = try ECCTModel(code: code, layers: 3, width: 16, seed: 4, clonedInitialBiases: false).network
            .parameters
        XCTAssertNotEqual(
            independent["decoder.layers.1.self_attn.linears.2.bias"],
            independent["decoder.layers.0.self_attn.linears.0.bias"])
        XCTAssertEqual(
            independent["decoder.layers.1.self_attn.linears.2.weight"],
            p["decoder.layers.1.self_attn.linears.2.weight"],
            "the weights are the same draws either way")
    }

    func testBadSizesAndWeightsAreRejected() throws {
        let code = try CodeFiles.readCode(path: resource("BCH_N63_K45.txt"))
        XCTAssertThrowsError(try ECCTModel(code: code, layers: 2, width: 30)) {
            XCTAssertTrue("\($0)".contains("multiple of the 8 heads"))
        }
        let wide = try ECCTModel(code: code, layers: 2, width: 64)
        XCTAssertThrowsError(try wide.load(weightsAt: resource("weights.safetensors"))) {
            XCTAssertTrue("\($0)".contains("src_embed") && "\($0)".contains("[81, 32]"), "\($0)")
        }
        let deeper = try ECCTModel(code: code, layers: 4, width: 32)
        XCTAssertThrowsError(try deeper.load(weightsAt: resource("weights.safetensors"))) {
            XCTAssertTrue("\($0)".contains("missing tensor 'decoder.layers.2"), "\($0)")
        }
    }
}
