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
        let code = try Catalog.code(named: "HAMMING-7-4")
        let table = try SpectralPositionalEncoding.table(code: code)
        let L = code.n + code.m
        var rng = SplitMixRNG(seed: 3)
        let params = ParameterSet()
        let layer = SpectralEncodingLayer(params, length: L, using: &rng)
        func forward(_ x: [[Float]]) -> [Float] {
            var out = [Float](repeating: 0, count: L * 8)
            x[0].withUnsafeBufferPointer { p in layer.forward(table: table, spe: &out, parameters: p.baseAddress!) }
            return out
        }
        GradientCheck(eps: 1e-2, atol: 1e-3, rtol: 2e-2).check("lpe_proj", inputs: [params.values], forward: forward) { x, dy in
            var g = [Float](repeating: 0, count: x[0].count)
            x[0].withUnsafeBufferPointer { p in layer.backward(table: table, dSpe: dy, parameters: p.baseAddress!, gradients: &g) }
            return [g]
        }
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
