import Base
import TestSupport
import XCTest

@testable import Neural

final class KernelGradientTests: XCTestCase {
    let gc = GradientCheck()
    var seed: UInt64 = 7
    func rand(_ n: Int, scale: Float = 1) -> [Float] { GradientCheck.random(n, seed: &seed, scale: scale) }
    func zeros(_ n: Int) -> [Float] { [Float](repeating: 0, count: n) }

    /// The checker itself: a GELU gradient off by 5% must be rejected, the exact one accepted.
    func testGradientCheckRejectsWrongGradients() {
        let x = rand(20, scale: 2)
        let forward: ([[Float]]) -> [Float] = { xs in
            self.zeros(20).mutated { Elementwise.geluForward(xs[0], $0, count: 20) }
        }
        func backward(_ factor: Float) -> ([[Float]], [Float]) -> [[Float]] {
            { xs, dy in
                [self.zeros(20).mutated { Elementwise.geluBackward(xs[0], dy, $0, count: 20) }.map { $0 * factor }]
            }
        }
        XCTAssertNil(gc.mismatch(inputs: [x], forward: forward, backward: backward(1)))
        XCTAssertNotNil(gc.mismatch(inputs: [x], forward: forward, backward: backward(1.05)))
    }

    func testGEMMMatchesReference() {
        for (ta, tb, m, n, k) in [
            (false, false, 3, 4, 5), (true, false, 7, 2, 3), (false, true, 5, 6, 4), (true, true, 8, 3, 9),
        ] {
            let a = rand(m * k), b = rand(k * n)
            var c = rand(m * n), ref = c
            let lda = ta ? m : k, ldb = tb ? k : n
            GEMM.multiply(
                transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.7, a: a, lda: lda, b: b, ldb: ldb, beta: 0.3, c: &c,
                ldc: n)
            GEMM.reference(
                transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.7, a: a, lda: lda, b: b, ldb: ldb, beta: 0.3,
                c: &ref, ldc: n)
            for i in 0..<c.count { XCTAssertEqual(c[i], ref[i], accuracy: 1e-5) }
        }
    }

    func testLinear() {
        let N = 3, I = 4, O = 5
        gc.check(
            "linear", inputs: [rand(N * I), rand(O * I), rand(O)],
            forward: { xs in
                zeros(N * O).mutated {
                    LinearKernel.forward(
                        x: xs[0], weight: xs[1], bias: xs[2], y: $0, rows: N, inFeatures: I, outFeatures: O)
                }
            },
            backward: { xs, dy in
                var dx = zeros(N * I), dw = zeros(O * I), db = zeros(O)
                LinearKernel.backward(
                    dy: dy, x: xs[0], weight: xs[1], dx: &dx, dWeight: &dw, dBias: &db, rows: N, inFeatures: I,
                    outFeatures: O)
                // accumulateDx: false overwrites dx (here prefilled with noise) and still accumulates dW, db
                var written = self.rand(N * I), dw2 = dw, db2 = db
                LinearKernel.backward(
                    dy: dy, x: xs[0], weight: xs[1], dx: &written, dWeight: &dw2, dBias: &db2, rows: N, inFeatures: I,
                    outFeatures: O, accumulateDx: false)
                XCTAssertEqual(written, dx)
                for i in 0..<dw.count { XCTAssertEqual(dw2[i], 2 * dw[i], accuracy: 1e-6 * max(1, abs(dw[i]))) }
                return [dx, dw, db]
            })
    }

    func testLayerNorm() {
        for C in [6, 16] {  // the scalar path and the eight-lane path
            let N = 3
            gc.check(
                "layernorm C=\(C)", inputs: [rand(N * C, scale: 2), rand(C), rand(C)],
                forward: { xs in
                    var mean = zeros(N), rstd = zeros(N)
                    return zeros(N * C).mutated {
                        LayerNormKernel.forward(
                            x: xs[0], gamma: xs[1], beta: xs[2], y: $0, mean: &mean, rstd: &rstd, rows: N, channels: C)
                    }
                },
                backward: { xs, dy in
                    var mean = zeros(N), rstd = zeros(N), y = zeros(N * C)
                    LayerNormKernel.forward(
                        x: xs[0], gamma: xs[1], beta: xs[2], y: &y, mean: &mean, rstd: &rstd, rows: N, channels: C)
                    var dx = zeros(N * C), dg = zeros(C), db = zeros(C)
                    LayerNormKernel.backward(
                        dy: dy, x: xs[0], gamma: xs[1], mean: mean, rstd: rstd, dx: &dx, dGamma: &dg, dBeta: &db,
                        rows: N, channels: C)
                    return [dx, dg, db]
                })
        }
        // the eight-lane kernels (AVX2 when the CPU has it, and Swift SIMD8) against their scalar twins
        for kernels in KernelPath.allCases where kernels.runnable == kernels {
            let N = 5, C = 32
            let x = rand(N * C, scale: 3), g = rand(C), b = rand(C), dy = rand(N * C)
            var m1 = zeros(N), r1 = zeros(N), m2 = zeros(N), r2 = zeros(N), y1 = zeros(N * C), y2 = zeros(N * C)
            LayerNormKernel.forward(
                x: x, gamma: g, beta: b, y: &y1, mean: &m1, rstd: &r1, rows: N, channels: C, kernels: kernels)
            LayerNormKernel.forwardReference(
                x: x, gamma: g, beta: b, y: &y2, mean: &m2, rstd: &r2, rows: N, channels: C)
            for i in 0..<(N * C) { XCTAssertEqual(y1[i], y2[i], accuracy: 1e-5, "\(kernels)") }
            for i in 0..<N {
                XCTAssertEqual(m1[i], m2[i], accuracy: 1e-6); XCTAssertEqual(r1[i], r2[i], accuracy: 1e-5 * r2[i])
            }
            var dx1 = rand(N * C), dg1 = rand(C), db1 = rand(C)
            var dx2 = dx1, dg2 = dg1, db2 = db1
            LayerNormKernel.backward(
                dy: dy, x: x, gamma: g, mean: m1, rstd: r1, dx: &dx1, dGamma: &dg1, dBeta: &db1, rows: N, channels: C,
                kernels: kernels)
            LayerNormKernel.backwardReference(
                dy: dy, x: x, gamma: g, mean: m2, rstd: r2, dx: &dx2, dGamma: &dg2, dBeta: &db2, rows: N, channels: C)
            for (a, c) in [(dx1, dx2), (dg1, dg2), (db1, db2)] {
                for i in 0..<a.count { XCTAssertEqual(a[i], c[i], accuracy: 1e-4, "\(kernels)") }
            }
        }
        // reference values: normalised rows have mean 0 and variance 1 (γ = 1, β = 0)
        let x = rand(2 * 8, scale: 3)
        var mean = zeros(2), rstd = zeros(2), y = zeros(16)
        LayerNormKernel.forward(
            x: x, gamma: [Float](repeating: 1, count: 8), beta: zeros(8), y: &y, mean: &mean, rstd: &rstd, rows: 2,
            channels: 8)
        for r in 0..<2 {
            let row = y[(r * 8)..<((r + 1) * 8)]
            XCTAssertEqual(row.reduce(0, +) / 8, 0, accuracy: 1e-5)
            XCTAssertEqual(row.reduce(0) { $0 + $1 * $1 } / 8, 1, accuracy: 1e-3)
        }
    }

    typealias Unary = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    func checkUnary(
        _ name: String, x: [Float], forward: @escaping Unary,
        backward: @escaping (_ x: [Float], _ y: [Float], _ dy: [Float], _ dx: inout [Float]) -> Void
    ) {
        gc.check(
            name, inputs: [x], forward: { xs in zeros(xs[0].count).mutated { forward(xs[0], $0, xs[0].count) } },
            backward: { xs, dy in
                let y = self.zeros(xs[0].count).mutated { forward(xs[0], $0, xs[0].count) }
                var dx = self.zeros(xs[0].count)
                backward(xs[0], y, dy, &dx)
                return [dx]
            })
    }

    func testElementwise() {
        let x = rand(40, scale: 3).map { abs($0) < 0.05 ? $0 + 0.1 : $0 }  // keep away from kinks
        checkUnary("gelu", x: x, forward: { Elementwise.geluForward($0, $1, count: $2) }) { x, _, dy, dx in
            Elementwise.geluBackward(x, dy, &dx, count: x.count)
        }
        checkUnary("relu", x: x, forward: { Elementwise.reluForward($0, $1, count: $2) }) { x, _, dy, dx in
            Elementwise.reluBackward(x, dy, &dx, count: x.count)
        }
        checkUnary("sigmoid", x: x, forward: { Elementwise.sigmoidForward($0, $1, count: $2) }) { _, y, dy, dx in
            Elementwise.sigmoidBackward(y, dy, &dx, count: y.count)
        }
        checkUnary("exp", x: x, forward: { Elementwise.expForward($0, $1, count: $2) }) { _, y, dy, dx in
            Elementwise.expBackward(y, dy, &dx, count: y.count)
        }
        checkUnary("abs", x: x, forward: { Elementwise.absForward($0, $1, count: $2) }) { x, _, dy, dx in
            Elementwise.absBackward(x, dy, &dx, count: x.count)
        }
        let positive = x.map { abs($0) + 0.5 }
        checkUnary("log", x: positive, forward: { Elementwise.logForward($0, $1, count: $2) }) { x, _, dy, dx in
            Elementwise.logBackward(x, dy, &dx, count: x.count)
        }
        // GELU against erf reference values (PyTorch: gelu(1) = 0.8413447, gelu(-0.5) = -0.1542687)
        let g = zeros(2).mutated { Elementwise.geluForward([1, -0.5], $0, count: 2) }
        XCTAssertEqual(g[0], 0.8413447, accuracy: 1e-6)
        XCTAssertEqual(g[1], -0.1542687, accuracy: 1e-6)
        // the vectorised GELUs (AVX2 when the CPU has it, and Swift SIMD8) against their libm twin on [−12, 12]
        // (odd count: exercises the partial last group; backward accumulates onto a nonzero dx)
        let grid = (0...4801).map { Float($0) * 0.005 - 12 }
        let dy = grid.map { _ in Float(1) }, dx0 = grid.map { $0 * 0.25 }
        let slow = zeros(grid.count).mutated { Elementwise.geluForwardReference(grid, $0, count: grid.count) }
        let slowD = dx0.mutated { Elementwise.geluBackwardReference(grid, dy, $0, count: grid.count) }
        for kernels in KernelPath.allCases where kernels.runnable == kernels {
            let fast = zeros(grid.count).mutated {
                Elementwise.geluForward(grid, $0, count: grid.count, kernels: kernels)
            }
            let fastD = dx0.mutated { Elementwise.geluBackward(grid, dy, $0, count: grid.count, kernels: kernels) }
            let written = dx0.mutated {
                Elementwise.geluBackward(grid, dy, $0, count: grid.count, accumulate: false, kernels: kernels)
            }
            let onZeros = zeros(grid.count).mutated {
                Elementwise.geluBackward(grid, dy, $0, count: grid.count, kernels: kernels)
            }
            XCTAssertEqual(written, onZeros, "accumulate: false, \(kernels)")
            for i in 0..<grid.count {
                XCTAssertEqual(fast[i], slow[i], accuracy: 4e-7 * max(1, abs(grid[i])), "gelu(\(grid[i])), \(kernels)")
                XCTAssertEqual(
                    fastD[i], slowD[i], accuracy: 6e-7 * max(1, abs(dx0[i])), "gelu'(\(grid[i])), \(kernels)")
            }
        }
        XCTAssertEqual(Elementwise.sigmoid(-100), 0, accuracy: 1e-30)
        XCTAssertEqual(Elementwise.sigmoid(100), 1)
    }

    /// Straight-through estimators: the forward quantises, the backward is the identity (optionally clipped),
    /// which is exactly the gradient of the surrogate f(x) = x (clip: of clamp(x, ±c)).
    func testStraightThrough() {
        let x: [Float] = [-2, -0.7, -0.2, 0, 0.3, 0.5, 1.6]
        XCTAssertEqual(zeros(7).mutated { Elementwise.signForward(x, $0, count: 7) }, [-1, -1, -1, 0, 1, 1, 1])
        XCTAssertEqual(zeros(7).mutated { Elementwise.roundForward(x, $0, count: 7) }, [-2, -1, -0, 0, 0, 1, 2])
        let dy: [Float] = [1, 2, 3, 4, 5, 6, 7]
        XCTAssertEqual(zeros(7).mutated { Elementwise.straightThroughBackward(x, dy, $0, count: 7) }, dy)
        XCTAssertEqual(
            zeros(7).mutated { Elementwise.straightThroughBackward(x, dy, $0, count: 7, clip: 1) },
            [0, 2, 3, 4, 5, 6, 0])
    }

    func testMaskedSoftmax() {
        let R = 4, C = 5
        var mask = zeros(2 * C)
        mask[1] = SoftmaxKernel.maskedScore; mask[C + 3] = SoftmaxKernel.maskedScore
        gc.check(
            "softmax", inputs: [rand(R * C, scale: 3)],
            forward: { xs in
                zeros(R * C).mutated {
                    SoftmaxKernel.forward(x: xs[0], mask: mask, maskRows: 2, y: $0, rows: R, columns: C)
                }
            },
            backward: { xs, dy in
                let y = self.zeros(R * C).mutated {
                    SoftmaxKernel.forward(x: xs[0], mask: mask, maskRows: 2, y: $0, rows: R, columns: C)
                }
                return [self.zeros(R * C).mutated { SoftmaxKernel.backward(y: y, dy: dy, dx: $0, rows: R, columns: C) }]
            })
        let y = zeros(R * C).mutated {
            SoftmaxKernel.forward(x: rand(R * C, scale: 50), mask: mask, maskRows: 2, y: $0, rows: R, columns: C)
        }
        XCTAssertEqual(y[1], 0); XCTAssertEqual(y[C + 3], 0); XCTAssertEqual(y[2 * C + 1], 0)
        for r in 0..<R { XCTAssertEqual(y[(r * C)..<((r + 1) * C)].reduce(0, +), 1, accuracy: 1e-5) }
    }

    func testBCEWithLogits() {
        let t: [Float] = (0..<12).map { Float($0 % 2) }
        gc.check(
            "bce", inputs: [rand(12, scale: 4)],
            forward: { xs in [BCEWithLogits.forward(logits: xs[0], targets: t, count: 12)] },
            backward: { xs, dy in
                [
                    self.zeros(12).mutated {
                        BCEWithLogits.backward(logits: xs[0], targets: t, dz: $0, count: 12, scale: dy[0])
                    }
                ]
            })
        // stable at extreme logits; reference: log(1 + e^{-z}) for t = 1
        XCTAssertEqual(BCEWithLogits.forward(logits: [100], targets: [0], count: 1), 100, accuracy: 1e-4)
        XCTAssertEqual(BCEWithLogits.forward(logits: [-100], targets: [0], count: 1), 0, accuracy: 1e-6)
        XCTAssertEqual(
            BCEWithLogits.forward(logits: [0.3], targets: [1], count: 1), Float(log(1 + exp(-0.3))), accuracy: 1e-6)
    }

    func testDropout() {
        let d = Dropout(p: 0.25, seed: 3)
        let n = 100_000
        let x = [Float](repeating: 1, count: n)
        var keep = zeros(n)
        let y = zeros(n).mutated { d.forward(x, $0, keep: &keep, count: n, stream: 1) }
        let kept = keep.reduce(0, +)
        XCTAssertEqual(Double(kept) / Double(n), 0.75, accuracy: 5 * (0.1875 / Double(n)).squareRoot())
        XCTAssertEqual(Double(y.reduce(0, +)) / Double(n), 1, accuracy: 0.02, "inverted dropout keeps the mean")
        // thread independence: two halves with offsets equal one pass
        var k1 = zeros(n / 2), k2 = zeros(n / 2)
        _ = zeros(n / 2).mutated { d.forward(x, $0, keep: &k1, count: n / 2, stream: 1, offset: 0) }
        _ = zeros(n / 2).mutated { d.forward(x, $0, keep: &k2, count: n / 2, stream: 1, offset: n / 2) }
        XCTAssertEqual(k1 + k2, keep)
        let dx = zeros(n).mutated { d.backward(x, keep: keep, $0, count: n) }
        XCTAssertEqual(dx, y, "backward scales by the same mask")
    }

    func testMaskedAttentionMatchesDenseReferenceAndGradients() {
        let B = 2, L = 6, H = 2, d = 8
        var allowed = [Bool](repeating: false, count: L * L)
        for i in 0..<L {
            for j in 0..<L where i == j || (i + j) % 3 == 0 || abs(i - j) == 1 { allowed[i * L + j] = true }
        }
        let pattern = AttentionPattern(allowed: allowed, length: L)
        let q = rand(B * L * d, scale: 2), k = rand(B * L * d, scale: 2), v = rand(B * L * d)
        let ref = MaskedAttention.reference(q: q, k: k, v: v, allowed: allowed, batch: B, length: L, heads: H, width: d)
        let out = attentionForward([q, k, v], pattern: pattern, batch: B, heads: H, width: d).out
        for i in 0..<out.count { XCTAssertEqual(out[i], ref[i], accuracy: 1e-5) }
        checkAttentionGradients("attention", q: q, k: k, v: v, pattern: pattern, batch: B, heads: H, width: d)
    }

    /// Finite-difference check of attention (no dropout) with respect to q, k and v.
    private func checkAttentionGradients(
        _ name: String, q: [Float], k: [Float], v: [Float], pattern: AttentionPattern,
        batch B: Int, heads H: Int, width d: Int
    ) {
        gc.check(
            name, inputs: [q, k, v],
            forward: { attentionForward($0, pattern: pattern, batch: B, heads: H, width: d).out },
            backward: { xs, dy in
                let probs = attentionForward(xs, pattern: pattern, batch: B, heads: H, width: d).probabilities
                return attentionBackward(dy, xs, probabilities: probs, pattern: pattern, batch: B, heads: H, width: d)
            })
    }

    /// With dropout, the gradient is that of the function with the keep mask frozen (same seed and stream).
    func testMaskedAttentionDropoutGradients() {
        let B = 1, L = 5, H = 1, d = 4
        let pattern = AttentionPattern.full(L)
        let P = pattern.pairCount
        let drop = Dropout(p: 0.3, seed: 11)
        func forward(_ xs: [[Float]], keep: inout [Float], probs: inout [Float]) -> [Float] {
            var k = keep, p = probs
            let o = zeros(B * L * d).mutated {
                MaskedAttention.forward(
                    q: xs[0], k: xs[1], v: xs[2], out: $0, probabilities: &p, keep: &k, dropout: drop,
                    stream: 5, pattern: pattern, batch: B, heads: H, width: d)
            }
            keep = k; probs = p
            return o
        }
        gc.check(
            "attention+dropout", inputs: [rand(B * L * d), rand(B * L * d), rand(B * L * d)],
            forward: { xs in
                var keep = self.zeros(B * H * P), probs = self.zeros(B * H * P)
                return forward(xs, keep: &keep, probs: &probs)
            },
            backward: { xs, dy in
                var keep = self.zeros(B * H * P), probs = self.zeros(B * H * P)
                _ = forward(xs, keep: &keep, probs: &probs)
                XCTAssertTrue(keep.contains(0) && keep.contains(1), "the test exercises dropped and kept pairs")
                return attentionBackward(
                    dy, xs, probabilities: probs, keep: keep, dropout: drop, pattern: pattern, batch: B, heads: H,
                    width: d)
            })
    }
    /// The vectorised eight-head paths (AVX2 when the CPU has it, and Swift SIMD8) against the generic loops
    /// (their twin) and the dense reference, with and without dropout, and the gradients against finite differences.
    /// Keep flags are integer decisions, so they must agree exactly; inference mode gives the same output.
    func testEightHeadAttentionMatchesGenericPath() {
        let B = 2, L = 7, H = 8
        var allowed = [Bool](repeating: false, count: L * L)
        for i in 0..<L {
            for j in 0..<L where i == j || (i * j) % 4 == 1 || abs(i - j) == 2 { allowed[i * L + j] = true }
        }
        let pattern = AttentionPattern(allowed: allowed, length: L)
        let P = pattern.pairCount
        for d in [8, 16, 32] {
            let q = rand(B * L * d, scale: 2), k = rand(B * L * d, scale: 2), v = rand(B * L * d), dy = rand(B * L * d)
            let ref = MaskedAttention.reference(
                q: q, k: k, v: v, allowed: allowed, batch: B, length: L, heads: H, width: d)
            for drop in [nil, Dropout(p: 0.25, seed: 3)] {
                var results: [[[Float]]] = [], keeps: [[Float]] = []
                let variants = KernelPath.runnableCases  // .reference first: the generic loops, the twin
                for variant in variants {
                    var probs = zeros(B * H * P), keep = zeros(B * H * P)
                    let out = zeros(B * L * d).mutated {
                        MaskedAttention.forward(
                            q: q, k: k, v: v, out: $0, probabilities: &probs, keep: &keep, dropout: drop,
                            stream: 4, pattern: pattern, batch: B, heads: H, width: d, batchOffset: 1,
                            kernels: variant)
                    }
                    var scores = zeros(B * H * P)
                    let inferenceOut = zeros(B * L * d).mutated {
                        MaskedAttention.forward(
                            q: q, k: k, v: v, out: $0, probabilities: &scores, keep: &keep, dropout: drop,
                            stream: 4, pattern: pattern, batch: B, heads: H, width: d, batchOffset: 1,
                            storeProbabilities: false, kernels: variant)
                    }
                    XCTAssertEqual(inferenceOut, out, "d = \(d), \(variant)")
                    var dq = zeros(B * L * d), dk = zeros(B * L * d), dv = zeros(B * L * d)
                    MaskedAttention.backward(
                        dOut: dy, q: q, k: k, v: v, probabilities: probs, keep: drop == nil ? nil : keep, dropout: drop,
                        dq: &dq, dk: &dk, dv: &dv, pattern: pattern, batch: B, heads: H, width: d,
                        kernels: variant)
                    var wq = rand(B * L * d), wk = rand(B * L * d), wv = rand(B * L * d)  // overwritten, not added to
                    MaskedAttention.backward(
                        dOut: dy, q: q, k: k, v: v, probabilities: probs, keep: drop == nil ? nil : keep, dropout: drop,
                        dq: &wq, dk: &wk, dv: &wv, pattern: pattern, batch: B, heads: H, width: d, accumulate: false,
                        kernels: variant)
                    XCTAssertEqual([wq, wk, wv], [dq, dk, dv], "accumulate: false, d = \(d), \(variant)")
                    results.append([out, probs, dq, dk, dv])
                    keeps.append(keep)
                    if drop == nil {
                        for i in 0..<out.count { XCTAssertEqual(out[i], ref[i], accuracy: 1e-5, "d = \(d)") }
                    }
                }
                for (r, variant) in zip(results.indices.dropFirst(), variants.dropFirst()) {
                    if drop != nil { XCTAssertEqual(keeps[r], keeps[0], "keep flags, d = \(d), \(variant)") }
                    for (a, b) in zip(results[r], results[0]) {
                        for i in 0..<a.count {
                            XCTAssertEqual(
                                a[i], b[i], accuracy: 1e-5 * max(1, abs(b[i])),
                                "d = \(d), dropout \(drop != nil), \(variant)")
                        }
                    }
                }
            }
        }
        let d = 16
        checkAttentionGradients(
            "attention, 8 heads", q: rand(B * L * d), k: rand(B * L * d), v: rand(B * L * d),
            pattern: pattern, batch: B, heads: H, width: d)
    }
}
