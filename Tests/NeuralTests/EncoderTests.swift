import Base
import TestSupport
import XCTest

@testable import Neural

final class EncoderTests: XCTestCase {
    struct Fixture {
        let encoder: TransformerEncoder
        let params: ParameterSet
        let B: Int
        var rows: Int { B * encoder.config.length * encoder.config.width }
    }

    func makeFixture(layers: Int, B: Int = 2) -> Fixture {
        let L = 5, d = 8
        var allowed = [Bool](repeating: false, count: L * L)
        for i in 0..<L {
            for j in 0..<L where i == j || (i * j) % 3 == 1 || abs(i - j) == 2 { allowed[i * L + j] = true }
        }
        var config = EncoderConfig(
            layers: layers, width: d, heads: 2, pattern: AttentionPattern(allowed: allowed, length: L))
        config.attentionDropout = 0.3
        let params = ParameterSet()
        var rng = SplitMixRNG(seed: 3)
        let enc = TransformerEncoder(config: config, parameters: params, names: testNames, using: &rng)
        // non-trivial LayerNorm parameters, so their gradients are exercised
        var s: UInt64 = 99
        let noise = GradientCheck.random(params.count, seed: &s, scale: 0.2)
        for i in 0..<params.count { params.values[i] += noise[i] }
        return Fixture(encoder: enc, params: params, B: B)
    }

    func run(_ f: Fixture, x: [Float], p: [Float], training: Bool) -> ([Float], EncoderWorkspace) {
        let ws = f.encoder.makeWorkspace(batch: f.B)
        var out = [Float](repeating: 0, count: x.count)
        f.encoder.forward(
            x: x, out: &out, workspace: ws, parameters: p, call: .init(training: training, seed: 5, step: 2))
        return (out, ws)
    }

    func checkEncoder(layers: Int, training: Bool) {
        let f = makeFixture(layers: layers)
        var s: UInt64 = 1
        let x = GradientCheck.random(f.rows, seed: &s)
        GradientCheck().check(
            "encoder N=\(layers) training=\(training)", inputs: [x, f.params.values],
            forward: { xs in
                self.run(f, x: xs[0], p: xs[1], training: training).0
            },
            backward: { xs, dy in
                let (_, ws) = self.run(f, x: xs[0], p: xs[1], training: training)
                var dx = [Float](repeating: 0, count: xs[0].count), dp = [Float](repeating: 0, count: xs[1].count)
                f.encoder.backward(dOut: dy, dx: &dx, workspace: ws, parameters: xs[1], gradients: &dp)
                return [dx, dp]
            })
    }

    func testEncoderGradientsOneLayer() { checkEncoder(layers: 1, training: false) }
    func testEncoderGradientsWithMidNorm() { checkEncoder(layers: 2, training: false) }
    func testEncoderGradientsWithDropout() { checkEncoder(layers: 2, training: true) }

    func testParameterNamesFollowReference() {
        let f = makeFixture(layers: 2)
        let names = Set(f.params.entries.map(\.name))
        for n in [
            "decoder.layers.1.self_attn.linears.3.weight", "decoder.layers.0.feed_forward.w_1.bias",
            "decoder.layers.0.sublayer.1.norm.weight", "decoder.norm.bias", "decoder.norm2.weight",
        ] {
            XCTAssertTrue(names.contains(n), n)
        }
        XCTAssertEqual(f.params.entry("decoder.layers.0.feed_forward.w_1.weight")?.shape, [32, 8])
        // N(12d² + 13d) + 2d + 2d for the encoder body (docs/DESIGN.md §3 count without embedding and head)
        XCTAssertEqual(f.params.count, 2 * (12 * 64 + 13 * 8) + 2 * 8 + 2 * 8)
    }
}
