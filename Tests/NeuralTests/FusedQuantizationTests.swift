import Base
import CKernels
import TestSupport
import XCTest

@testable import Neural

/// The frozen AECCT's INT8 steps fused into the steps that produce their inputs (LayerNorm, the ring kernel) give the
/// bytes, scales and floats of the separate passes, on every kernel path and row quantiser.
final class FusedQuantizationTests: XCTestCase {
    var seed: UInt64 = 21
    func rand(_ n: Int, scale: Float = 1) -> [Float] { GradientCheck.random(n, seed: &seed, scale: scale) }

    /// The row quantisers this CPU runs: the AVX2 one, and the AVX-512 one with VNNI.
    var rowKernels: [(String, nk_row_quantizer)] {
        var kernels: [(String, nk_row_quantizer)] = []
        if KernelPath.avx2Available { kernels.append(("avx2", nk_quantize_int8)) }
        if KernelPath.avx512VNNIAvailable { kernels.append(("avx512", nk_quantize_int8_rows512)) }
        return kernels
    }

    /// y = LN(x + r) then the quantiser, as three passes on the same path: the twin of `forwardFused`.
    func separate(
        _ norm: LayerNormLayer, x: [Float], r: [Float]?, rows R: Int, quantizer: ActivationQuantizer?,
        parameters: ParameterSet, path: KernelPath
    ) -> (y: [Float], q: [Int8], s: [Float]) {
        let arena = Arena(), d = norm.width
        let stats = LayerNormLayer.Workspace(rows: R, arena: arena)
        let qws = ActivationQuantizer.Workspace(rows: R, width: d, outputs: d, arena: arena)
        var sum = x
        if let r { for i in sum.indices { sum[i] += r[i] } }
        var y = [Float](repeating: .nan, count: R * d)
        parameters.values.withUnsafeBufferPointer { p in
            LayerNormKernel.forward(
                x: sum, gamma: p.baseAddress! + norm.gamma, beta: p.baseAddress! + norm.beta, y: &y, mean: stats.mean,
                rstd: stats.rstd, rows: R, channels: d, kernels: path)
        }
        quantizer?.forwardInteger(y, rows: R, workspace: qws, kernels: path)
        return (
            y, Array(UnsafeBufferPointer(start: qws.integers, count: R * d)),
            Array(UnsafeBufferPointer(start: qws.scales, count: R))
        )
    }

    func testFusedLayerNormEqualsTheSumTheNormAndTheQuantiserOnEveryPath() {
        var rng = SplitMixRNG(seed: 3)
        // d a multiple of 16 (the AVX-512 quantiser's registers), of 8 only, and of neither (the portable fallback)
        for (d, R) in [(32, 37), (24, 9), (12, 5)] {
            let parameters = ParameterSet()
            let norm = LayerNormLayer(parameters, name: "ln", width: d)
            for i in 0..<(2 * d) { parameters.values[norm.gamma + i] = Float.random(in: -1.5...1.5, using: &rng) }
            let x = rand(R * d, scale: 3), r = rand(R * d, scale: 2)
            for path in KernelPath.runnableCases {
                for scope in [ActivationQuantization.Scope.token, .tensor] {
                    for residual in [r, nil] {
                        let quantizer = ActivationQuantizer(scope: scope, width: d)
                        let expected = separate(
                            norm, x: x, r: residual, rows: R, quantizer: quantizer, parameters: parameters, path: path)
                        let arena = Arena()
                        let stats = LayerNormLayer.Workspace(rows: R, arena: arena)
                        let qws = ActivationQuantizer.Workspace(rows: R, width: d, outputs: d, arena: arena)
                        var y = [Float](repeating: .nan, count: R * d)
                        parameters.values.withUnsafeBufferPointer { p in
                            norm.forwardFused(
                                x: x, residual: residual, y: &y, rows: R, workspace: stats, parameters: p.baseAddress!,
                                quantizer: quantizer, into: qws, kernels: path)
                        }
                        let label = "d \(d), \(path), \(scope), residual \(residual != nil)"
                        XCTAssertEqual(y.map(\.bitPattern), expected.y.map(\.bitPattern), label)
                        XCTAssertEqual(Array(UnsafeBufferPointer(start: qws.integers, count: R * d)), expected.q, label)
                        XCTAssertEqual(Array(UnsafeBufferPointer(start: qws.scales, count: R)), expected.s, label)
                    }
                }
                // no quantiser: the norm alone
                let arena = Arena()
                let stats = LayerNormLayer.Workspace(rows: R, arena: arena)
                var y = [Float](repeating: .nan, count: R * d)
                parameters.values.withUnsafeBufferPointer { p in
                    norm.forwardFused(
                        x: x, residual: nil, y: &y, rows: R, workspace: stats, parameters: p.baseAddress!,
                        kernels: path)
                }
                let plain = separate(norm, x: x, r: nil, rows: R, quantizer: nil, parameters: parameters, path: path)
                XCTAssertEqual(y.map(\.bitPattern), plain.y.map(\.bitPattern), "d \(d), \(path), no quantiser")
            }
        }
    }

    func testRingKernelQuantisesEachRowAsTheSeparateQuantiser() throws {
        guard AttentionRings.supports(width: 32, kernels: .best) else {
            throw XCTSkip("the ring kernel needs AVX2 (this CPU runs \(KernelPath.best))")
        }
        var rng = SplitMixRNG(seed: 8)
        for (d, L) in [(32, 11), (64, 6), (16, 9)] {
            let B = 3, R = B * L
            let pattern = AttentionPattern(
                rows: (0..<L).map { i in (0..<L).filter { j in i == j || rng.next() % 3 != 0 } })
            var mask = [Float](repeating: 0, count: pattern.pairCount * 8)
            for t in 0..<pattern.pairCount {
                let second = rng.next() % 2 == 0
                for h in 0..<8 { mask[t * 8 + h] = (h >= 4) == second ? 1 : 0 }
            }
            let rings = try XCTUnwrap(AttentionRings(pattern: pattern, headMask: mask, heads: 8))
            let q = rand(R * d, scale: 2), k = rand(R * d, scale: 2), v = rand(R * d, scale: 3)
            var scratch = [Float](repeating: 0, count: AttentionRings.scratchCount(batch: B, length: L, width: d))
            var plain = [Float](repeating: .nan, count: R * d)
            MaskedAttention.forwardRings(
                q: q, k: k, v: v, out: &plain, rings: rings, length: L, batch: B, width: d, scratch: &scratch)
            for (name, kernel) in rowKernels {
                var expectedQ = [Int8](repeating: 0, count: R * d), expectedS = [Float](repeating: 0, count: R)
                kernel(plain, &expectedQ, &expectedS, R, d)
                var out = [Float](repeating: .nan, count: R * d)
                var qOut = [Int8](repeating: 0, count: R * d), sOut = [Float](repeating: .nan, count: R)
                qOut.withUnsafeMutableBufferPointer { qp in
                    sOut.withUnsafeMutableBufferPointer { sp in
                        MaskedAttention.forwardRings(
                            q: q, k: k, v: v, out: &out, rings: rings, length: L, batch: B, width: d,
                            scratch: &scratch, quantized: (kernel, qp.baseAddress!, sp.baseAddress!))
                    }
                }
                XCTAssertEqual(out.map(\.bitPattern), plain.map(\.bitPattern), "d \(d), \(name): the floats")
                XCTAssertEqual(qOut, expectedQ, "d \(d), \(name)")
                XCTAssertEqual(sOut, expectedS, "d \(d), \(name)")
                XCTAssertTrue(qOut.contains(127) || qOut.contains(-127), "each row reaches ±127 at its maximum")
            }
        }
    }
}
