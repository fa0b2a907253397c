import Base
import Codes
import ECCT
import Foundation
import Neural
import TestSupport
import XCTest

/// The SPE layer: finite-difference gradients of `lpe_proj`, and the output on the reference fixture's table.
final class SpectralEncodingLayerTests: XCTestCase {
    func testGradientOfTheProjection() throws {
        let (table, L, params, layer) = try spectralLayer(code: "HAMMING-7-4", seed: 3)
        func forward(_ x: [[Float]]) -> [Float] {
            var out = [Float](repeating: 0, count: L * 8)
            x[0].withUnsafeBufferPointer { p in layer.forward(table: table, spe: &out, parameters: p.baseAddress!) }
            return out
        }
        GradientCheck(eps: 1e-2, atol: 1e-3, rtol: 2e-2).check("lpe_proj", inputs: [params.values], forward: forward) {
            x, dy in
            var g = [Float](repeating: 0, count: x[0].count)
            x[0].withUnsafeBufferPointer { p in
                layer.backward(table: table, dSpe: dy, parameters: p.baseAddress!, gradients: &g)
            }
            return [g]
        }
    }

    /// On the reference fixture's stored table and `lpe_proj`, the encoding is the reference's `lpe_attn` output
    /// (values computed with the reference code's formula in PyTorch from the same tensors).
    func testMatchesTheReferenceOnTheFixtureTable() throws {
        let (t, _) = try SafeTensors.read(path: TestResources.path("aecct-bch63-45-N2-d32/weights.safetensors"))
        let table = try XCTUnwrap(t["lpe"]).values
        var rng = SplitMixRNG(seed: 1)
        let params = ParameterSet()
        let layer = SpectralEncodingLayer(params, length: 81, using: &rng)
        try params.load(
            [
                "lpe_proj.weight": try XCTUnwrap(t["lpe_proj.weight"]),
                "lpe_proj.bias": try XCTUnwrap(t["lpe_proj.bias"]),
            ],
            source: "fixture")
        var out = [Float](repeating: 0, count: 81 * 8)
        params.values.withUnsafeBufferPointer { layer.forward(table: table, spe: &out, parameters: $0.baseAddress!) }
        let row0: [Float] = [6.960277, -8.070142, 7.181017, -8.055429, 7.157451, 7.096442, -8.026437, -7.972013]
        let row80: [Float] = [6.963627, -8.065349, 7.183008, -8.051215, 7.159676, 7.09926, -8.022017, -7.968091]
        for a in 0..<8 {
            XCTAssertEqual(out[a], row0[a], accuracy: 1e-4)
            XCTAssertEqual(out[80 * 8 + a], row80[a], accuracy: 1e-4)
        }
        XCTAssertEqual(Double(out.reduce(0, +)), -302.04425, accuracy: 1e-2)
    }

    /// With every channel equal (W = 0, b = β·1) the attention returns β in each channel: spe = β everywhere.
    func testConstantChannelsPassThrough() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        let table = try SpectralPositionalEncoding.table(code: code)
        var rng = SplitMixRNG(seed: 1)
        let params = ParameterSet()
        let layer = SpectralEncodingLayer(params, length: 10, using: &rng)
        for i in 0..<16 { params.values[layer.weight + i] = 0 }
        for a in 0..<8 { params.values[layer.bias + a] = 0.3 }
        var out = [Float](repeating: 0, count: 80)
        params.values.withUnsafeBufferPointer { layer.forward(table: table, spe: &out, parameters: $0.baseAddress!) }
        for x in out { XCTAssertEqual(x, 0.3, accuracy: 1e-6) }
    }
}

/// The SIMD8 path of the SPE layer against the scalar reference loops, forward and backward.
final class SpectralEncodingPathTests: XCTestCase {
    func testEightChannelPathMatchesTheReference() throws {
        let (table, L, params, layer) = try spectralLayer(code: "BCH-31-16", seed: 8)
        for i in 0..<params.count { params.values[i] *= 3 }  // sharper softmaxes
        var dSpe = [Float](repeating: 0, count: L * 8)
        var seed: UInt64 = 4
        dSpe = GradientCheck.random(L * 8, seed: &seed)
        func run(_ kernels: KernelPath) -> (spe: [Float], grad: [Float]) {
            var spe = [Float](repeating: 0, count: L * 8), grad = [Float](repeating: 0, count: params.count)
            params.values.withUnsafeBufferPointer { p in
                layer.forward(table: table, spe: &spe, parameters: p.baseAddress!, kernels: kernels)
                layer.backward(table: table, dSpe: dSpe, parameters: p.baseAddress!, gradients: &grad, kernels: kernels)
            }
            return (spe, grad)
        }
        let ref = run(.reference)
        for path in KernelPath.runnableCases where path != .reference {
            let got = run(path)
            for i in 0..<ref.spe.count { XCTAssertEqual(got.spe[i], ref.spe[i], accuracy: 1e-5, "\(path) spe \(i)") }
            let scale = ref.grad.map(abs).max()!
            for i in 0..<ref.grad.count {
                XCTAssertEqual(got.grad[i], ref.grad[i], accuracy: 1e-5 * scale, "\(path) grad \(i)")
            }
        }
    }
}

/// A named code's spectral table [L, 8] (L = n + m) and a fresh SPE layer initialised from `seed`.
private func spectralLayer(code name: String, seed: UInt64) throws -> (
    table: [Float], length: Int, parameters: ParameterSet, layer: SpectralEncodingLayer
) {
    let code = try Catalog.code(named: name)
    let L = code.n + code.m
    var rng = SplitMixRNG(seed: seed)
    let params = ParameterSet()
    let layer = SpectralEncodingLayer(params, length: L, using: &rng)
    return (try SpectralPositionalEncoding.table(code: code), L, params, layer)
}
