import Base
import TestSupport
import XCTest

@testable import Neural

/// HPSA's two rings as sparse patterns (`AttentionRings`, `MaskedAttention.forwardRings`) against the dense
/// head-masked twin, and the layer's choice of kernel.
final class AttentionRingsTests: XCTestCase {
    var seed: UInt64 = 11
    func rand(_ n: Int, scale: Float = 1) -> [Float] { GradientCheck.random(n, seed: &seed, scale: scale) }

    /// A random pattern over L tokens (every row keeps its diagonal) and ring flags [pairs, 8]: each pair in heads 0–3
    /// or 4–7 at random, query 0 with no first-ring key and query 1 with no second-ring key.
    func ringPattern(_ L: Int, rng: inout SplitMixRNG) -> (AttentionPattern, [Float]) {
        let pattern = AttentionPattern(
            rows: (0..<L).map { i in (0..<L).filter { j in i == j || rng.next() % 3 != 0 } })
        var mask = [Float](repeating: 0, count: pattern.pairCount * 8)
        for i in 0..<L {
            for t in pattern.rowStart[i]..<pattern.rowStart[i + 1] {
                let second = i == 0 ? true : i == 1 ? false : rng.next() % 2 == 0
                for h in 0..<8 { mask[t * 8 + h] = (h >= 4) == second ? 1 : 0 }
            }
        }
        return (pattern, mask)
    }

    func testRingsMatchTheHeadMaskedTwinAtEveryHeadWidth() throws {
        guard AttentionRings.supports(width: 32, kernels: .best) else {
            throw XCTSkip("the ring kernel needs AVX2 (this CPU runs \(KernelPath.best))")
        }
        var rng = SplitMixRNG(seed: 5)
        // dh = 2, 4, 8, 16, 32; odd and even ring sizes (random), B > 1
        for (d, L) in [(16, 9), (32, 11), (64, 8), (128, 7), (256, 5)] {
            let B = 3, (pattern, mask) = ringPattern(L, rng: &rng)
            let rings = try XCTUnwrap(AttentionRings(pattern: pattern, headMask: mask, heads: 8))
            XCTAssertEqual(rings.first.keys.count + rings.second.keys.count, pattern.pairCount)
            XCTAssertEqual(rings.first.rowStart[1], 0, "query 0 has no first-ring key")
            let q = rand(B * L * d, scale: 2), k = rand(B * L * d, scale: 2), v = rand(B * L * d)
            let ref = headMaskedAttentionReference(q: q, k: k, v: v, pattern: pattern, mask: mask, B: B, H: 8, d: d)
            var out = [Float](repeating: .nan, count: B * L * d)
            var scratch = [Float](
                repeating: .nan, count: AttentionRings.scratchCount(batch: B, length: L, width: d))
            MaskedAttention.forwardRings(
                q: q, k: k, v: v, out: &out, rings: rings, length: L, batch: B, width: d, scratch: &scratch)
            for i in out.indices { XCTAssertEqual(out[i], ref[i], accuracy: 2e-5, "d \(d), output \(i)") }
            for b in 0..<B {
                for c in 0..<(d / 2) { XCTAssertEqual(out[b * L * d + c], 0, "d \(d): query 0's first ring is empty") }
            }
        }
    }

    func testOnlyARingSplitMakesRings() {
        var rng = SplitMixRNG(seed: 6)
        let (pattern, mask) = ringPattern(6, rng: &rng)
        XCTAssertNotNil(AttentionRings(pattern: pattern, headMask: mask, heads: 8))
        var mixed = mask
        mixed[3] = 1 - mixed[3]  // pair 0 used by three heads of one ring, or by one head of the other
        XCTAssertNil(AttentionRings(pattern: pattern, headMask: mixed, heads: 8))
        XCTAssertNil(AttentionRings(pattern: pattern, headMask: [Float](repeating: 1, count: mask.count), heads: 8))
        XCTAssertNil(AttentionRings(pattern: pattern, headMask: Array(mask[0..<(mask.count / 2)]), heads: 4))
        XCTAssertFalse(AttentionRings.supports(width: 24, kernels: .best), "dh = 3 is not a kernel width")
        XCTAssertFalse(AttentionRings.supports(width: 32, kernels: .portable))
    }

    /// The layer runs the rings at inference only: the same outputs as the head-masked training forward (to rounding).
    func testLayerInferenceWithRingsEqualsTheMaskedForward() throws {
        guard AttentionRings.supports(width: 32, kernels: .best) else {
            throw XCTSkip("the ring kernel needs AVX2 (this CPU runs \(KernelPath.best))")
        }
        var rng = SplitMixRNG(seed: 7)
        let L = 10, B = 2, d = 32, (pattern, mask) = ringPattern(L, rng: &rng)
        let parameters = ParameterSet()
        let layer = MultiHeadAttention(
            parameters, names: ["q", "k", "v", "o"], width: d, heads: 8, pattern: pattern, headMask: mask,
            dropout: 0.1, using: &rng)
        XCTAssertNotNil(layer.rings)
        let x = rand(B * L * d, scale: 1.5)
        func run(forBackward: Bool) -> [Float] {
            let arena = Arena()
            let ws = MultiHeadAttention.Workspace(
                batch: B, length: L, width: d, heads: 8, pairs: pattern.pairCount, arena: arena)
            let scratch = MultiHeadAttention.Scratch(batch: B, width: d, heads: 8, pattern: pattern, arena: arena)
            var y = [Float](repeating: 0, count: B * L * d)
            parameters.values.withUnsafeBufferPointer { p in
                layer.forward(
                    x: x, y: &y, batch: B, workspace: ws, scratch: scratch, parameters: p.baseAddress!,
                    call: .init(training: false, forBackward: forBackward))
            }
            return y
        }
        let rings = run(forBackward: false), masked = run(forBackward: true)
        for i in rings.indices { XCTAssertEqual(rings[i], masked[i], accuracy: 1e-5, "output \(i)") }
    }
}
