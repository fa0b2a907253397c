import Base
import TestSupport
import XCTest

@testable import Neural

/// The engine's blocks and their new seams, each against finite differences (`GradientCheck`) or a reference twin:
/// ReLU, post-LN blocks, per-head pair masks, per-pair score scales (d/dφ included), the embedding's input
/// gradient, layer ranges with round pooling, 16 heads, the MLP and parameter groups.
final class BlockTests: XCTestCase {
    var seed: UInt64 = 2024
    func rand(_ n: Int, scale: Float = 1) -> [Float] { GradientCheck.random(n, seed: &seed, scale: scale) }
    func zeros(_ n: Int) -> [Float] { [Float](repeating: 0, count: n) }

    /// A small irregular pattern over L tokens (every row keeps its diagonal).
    func pattern(_ L: Int) -> AttentionPattern {
        AttentionPattern(
            rows: (0..<L).map { i in (0..<L).filter { j in i == j || (i * j) % 3 == 1 || abs(i - j) == 2 } })
    }

    func encoder(
        layers: Int, d: Int, heads: Int, L: Int = 5, placement: NormPlacement, activation: Activation,
        dropout: Float = 0.3, headMask: [Float]? = nil
    ) -> (TransformerEncoder, ParameterSet) {
        var config = EncoderConfig(layers: layers, width: d, heads: heads, pattern: pattern(L))
        config.attentionDropout = dropout
        config.placement = placement
        config.activation = activation
        config.headMask = headMask
        let params = ParameterSet()
        var rng = SplitMixRNG(seed: 3)
        let enc = TransformerEncoder(config: config, parameters: params, names: testNames, using: &rng)
        let noise = rand(params.count, scale: 0.2)  // LayerNorm γ, β away from 1, 0
        for i in 0..<params.count { params.values[i] += noise[i] }
        return (enc, params)
    }

    /// Finite differences of the encoder with respect to its input and every parameter.
    func checkEncoder(
        _ name: String, _ enc: TransformerEncoder, _ params: ParameterSet, B: Int = 2, training: Bool = true,
        gc: GradientCheck = GradientCheck()
    ) {
        let n = B * enc.config.length * enc.config.width
        let call = MultiHeadAttention.Call(training: training, seed: 5, step: 2)
        func run(_ x: [Float], _ p: [Float]) -> ([Float], EncoderWorkspace) {
            let ws = enc.makeWorkspace(batch: B)
            var out = zeros(n)
            enc.forward(x: x, out: &out, workspace: ws, parameters: p, call: call)
            return (out, ws)
        }
        gc.check(
            name, inputs: [rand(n), params.values], forward: { xs in run(xs[0], xs[1]).0 },
            backward: { xs, dy in
                let (_, ws) = run(xs[0], xs[1])
                var dx = self.zeros(xs[0].count), dp = self.zeros(xs[1].count)
                enc.backward(dOut: dy, dx: &dx, workspace: ws, parameters: xs[1], gradients: &dp)
                return [dx, dp]
            })
    }

    func testPostLNBlocksGradients() {
        let (enc, p) = encoder(layers: 2, d: 8, heads: 2, placement: .post, activation: .gelu)
        checkEncoder("post-LN, GELU, dropout", enc, p)
    }

    func testReLUFeedForwardGradients() {
        // elements whose perturbation crosses a ReLU kink are recognised (one-sided differences disagree) and skipped
        let gc = GradientCheck(eps: 4e-3, atol: 5e-3, rtol: 3e-2, kinkFraction: 0.05)
        for placement in [NormPlacement.pre, .post] {
            let (enc, p) = encoder(layers: 2, d: 8, heads: 2, placement: placement, activation: .relu)
            checkEncoder("\(placement)-LN, ReLU", enc, p, gc: gc)
        }
    }

    func testSixteenHeadsGradientsAndReference() {
        let (enc, p) = encoder(layers: 1, d: 32, heads: 16, L: 4, placement: .pre, activation: .gelu, dropout: 0)
        checkEncoder("16 heads", enc, p, B: 1, training: false, gc: GradientCheck(eps: 1e-2, atol: 3e-3, rtol: 3e-2))
        // the kernel itself against the dense reference
        let B = 2, L = 5, d = 32, H = 16, pat = pattern(L)
        let q = rand(B * L * d, scale: 2), k = rand(B * L * d, scale: 2), v = rand(B * L * d)
        var probs = zeros(B * H * pat.pairCount)
        let out = zeros(B * L * d).mutated {
            MaskedAttention.forward(
                q: q, k: k, v: v, out: $0, probabilities: &probs, keep: nil, dropout: nil, stream: 0,
                pattern: pat, batch: B, heads: H, width: d)
        }
        let ref = MaskedAttention.reference(
            q: q, k: k, v: v, allowed: pat.allowed, batch: B, length: L, heads: H, width: d)
        for i in 0..<out.count { XCTAssertEqual(out[i], ref[i], accuracy: 1e-5) }
    }

    /// [pairs, 8] flags like HPSA's: heads 0–3 the off-diagonal pairs, heads 4–7 the diagonal, and no key at all for
    /// `emptyQuery` in `emptyHead`.
    func ringMask(_ pat: AttentionPattern, heads H: Int, emptyQuery: Int, emptyHead: Int) -> [Float] {
        var mask = zeros(pat.pairCount * H)
        for i in 0..<pat.length {
            for t in pat.rowStart[i]..<pat.rowStart[i + 1] {
                for h in 0..<H { mask[t * H + h] = (pat.keys[t] == i) == (h >= 4) ? 1 : 0 }
                if i == emptyQuery { mask[t * H + emptyHead] = 0 }
            }
        }
        return mask
    }

    func testPerHeadMaskMatchesReferenceAndGradients() {
        let B = 2, L = 6, H = 8, d = 16, pat = pattern(L)
        // heads 0–3 the off-diagonal pairs, heads 4–7 the diagonal (a ring split like HPSA), and query 1 gets no
        // key at all in head 2
        let mask = ringMask(pat, heads: H, emptyQuery: 1, emptyHead: 2)
        let q = rand(B * L * d, scale: 2), k = rand(B * L * d, scale: 2), v = rand(B * L * d)
        func forward(_ xs: [[Float]]) -> ([Float], [Float]) {
            attentionForward(xs, pattern: pat, batch: B, heads: H, width: d, headMask: mask)
        }
        let ref = headMaskedAttentionReference(q: q, k: k, v: v, pattern: pat, mask: mask, B: B, H: H, d: d)
        let (out, _) = forward([q, k, v])
        for i in 0..<out.count { XCTAssertEqual(out[i], ref[i], accuracy: 1e-5, "output \(i)") }
        let dh = d / H
        for c in 0..<dh {
            XCTAssertEqual(out[(0 * L + 1) * d + 2 * dh + c], 0, "a head with no allowed key contributes zero")
        }
        GradientCheck().check(
            "head mask", inputs: [q, k, v], forward: { forward($0).0 },
            backward: { xs, dy in
                let (_, probs) = forward(xs)
                let reference = attentionBackward(
                    dy, xs, probabilities: probs, pattern: pat, batch: B, heads: H, width: d, kernels: .reference)
                for kernels in KernelPath.runnableCases where kernels != .reference {
                    let g = attentionBackward(
                        dy, xs, probabilities: probs, pattern: pat, batch: B, heads: H, width: d, kernels: kernels)
                    for i in 0..<g[0].count {
                        XCTAssertEqual(g[0][i], reference[0][i], accuracy: 1e-5, "backward path \(kernels)")
                    }
                }
                return reference
            })
    }

    /// The fused eight-head forward paths take the head mask as a lane mask: outputs and probabilities equal the
    /// reference loops' on every path, for dh = 4 (its unrolled loop) and dh = 2, with a head that has no key.
    func testPerHeadMaskOnEveryForwardPath() {
        for d in [16, 32] {
            let B = 3, L = 7, H = 8, pat = pattern(L)
            let mask = ringMask(pat, heads: H, emptyQuery: 2, emptyHead: 1)
            let q = rand(B * L * d, scale: 2), k = rand(B * L * d, scale: 2), v = rand(B * L * d)
            func run(_ kernels: KernelPath) -> ([Float], [Float]) {
                attentionForward(
                    [q, k, v], pattern: pat, batch: B, heads: H, width: d, headMask: mask, kernels: kernels)
            }
            let (refOut, refProbs) = run(.reference)
            for path in KernelPath.runnableCases where path != .reference {
                let (out, probs) = run(path)
                for i in 0..<out.count {
                    XCTAssertEqual(out[i], refOut[i], accuracy: 1e-5, "d \(d), \(path), output \(i)")
                }
                for i in 0..<probs.count {
                    XCTAssertEqual(probs[i], refProbs[i], accuracy: 1e-5, "d \(d), \(path), probability \(i)")
                }
                XCTAssertFalse(out.contains { !$0.isFinite }, "\(path)")
                for b in 0..<B {
                    for c in 0..<(d / H) {
                        XCTAssertEqual(out[(b * L + 2) * d + 1 * (d / H) + c], 0, "\(path): empty head")
                    }
                }
            }
        }
    }

    func testPerPairScoreScaleAndItsGradient() {
        let B = 2, L = 5, H = 2, d = 8, pat = pattern(L), P = pat.pairCount
        let φ = rand(P, scale: 1.5)
        let q = rand(B * L * d, scale: 2), k = rand(B * L * d, scale: 2), v = rand(B * L * d)
        func forward(_ xs: [[Float]]) -> ([Float], [Float]) {
            attentionForward(xs, pattern: pat, batch: B, heads: H, width: d, scoreScale: xs[3])
        }
        let ref = headMaskedAttentionReference(
            q: q, k: k, v: v, pattern: pat, mask: [Float](repeating: 1, count: P * H), B: B, H: H,
            d: d, scale: φ)
        let (out, _) = forward([q, k, v, φ])
        for i in 0..<out.count { XCTAssertEqual(out[i], ref[i], accuracy: 1e-5) }
        GradientCheck().check(
            "score scale", inputs: [q, k, v, φ], forward: { forward($0).0 },
            backward: { xs, dy in
                let (_, probs) = forward(xs)
                var dq = self.zeros(B * L * d), dk = self.zeros(B * L * d), dv = self.zeros(B * L * d),
                    dφ = self.zeros(P)
                MaskedAttention.backward(
                    dOut: dy, q: xs[0], k: xs[1], v: xs[2], probabilities: probs, keep: nil, dropout: nil,
                    dq: &dq, dk: &dk, dv: &dv, pattern: pat, batch: B, heads: H, width: d,
                    scoreScale: xs[3], dScoreScale: &dφ)
                return [dq, dk, dv, dφ]
            })
    }

    /// Eight heads with a score scale (the DC-ECCT's φ(M) over a dense pattern): every kernel path (the fused
    /// eight-head loops take the scale per pair) against the reference loops, forward and backward with ∂ℓ/∂φ.
    func testEightHeadScoreScaleMatchesTheReferenceOnEveryPath() {
        for d in [32, 16] {
            let B = 2, L = 7, H = 8, pat = AttentionPattern.full(L), P = pat.pairCount, R = B * L * d
            let φ = rand(P, scale: 1.5), q = rand(R, scale: 2), k = rand(R, scale: 2), v = rand(R), dOut = rand(R)
            func run(_ path: KernelPath) -> [[Float]] {
                var probs = zeros(B * H * P), out = zeros(R)
                MaskedAttention.forward(
                    q: q, k: k, v: v, out: &out, probabilities: &probs, keep: nil, dropout: nil, stream: 0,
                    pattern: pat, batch: B, heads: H, width: d, scoreScale: φ, kernels: path)
                var dq = zeros(R), dk = zeros(R), dv = zeros(R), dφ = zeros(P)
                MaskedAttention.backward(
                    dOut: dOut, q: q, k: k, v: v, probabilities: probs, keep: nil, dropout: nil,
                    dq: &dq, dk: &dk, dv: &dv, pattern: pat, batch: B, heads: H, width: d, accumulate: false,
                    scoreScale: φ, dScoreScale: &dφ, kernels: path)
                return [out, probs, dq, dk, dv, dφ]
            }
            let ref = run(.reference)
            for path in KernelPath.runnableCases where path != .reference {
                let got = run(path)
                for (t, name) in ["out", "probabilities", "dq", "dk", "dv", "dφ"].enumerated() {
                    let worst = zip(got[t], ref[t]).map { abs($0 - $1) }.max()!
                    XCTAssertLessThan(worst, 2e-5, "d \(d), \(path), \(name)")
                }
            }
        }
    }

    /// The encoder passes one score scale per layer down to its attention, and its gradient back.
    func testEncoderScoreScalesPerLayer() {
        let (enc, params) = encoder(layers: 2, d: 8, heads: 2, placement: .pre, activation: .gelu, dropout: 0)
        let B = 1, P = enc.config.pattern.pairCount, n = B * enc.config.length * enc.config.width
        let x = rand(n)
        func run(_ φ: [Float]) -> ([Float], EncoderWorkspace) {
            let ws = enc.makeWorkspace(batch: B)
            var out = zeros(n)
            φ.withUnsafeBufferPointer { f in
                enc.forward(
                    x: x, out: &out, workspace: ws, parameters: params.values, call: .init(training: false),
                    scoreScales: { f.baseAddress! + $0 * P })
            }
            return (out, ws)
        }
        GradientCheck().check(
            "encoder φ", inputs: [rand(2 * P, scale: 1.2)], forward: { run($0[0]).0 },
            backward: { xs, dy in
                let (_, ws) = run(xs[0])
                var dp = self.zeros(params.count), dφ = self.zeros(2 * P)
                xs[0].withUnsafeBufferPointer { f in
                    dφ.withUnsafeMutableBufferPointer { g in
                        let base = g.baseAddress!
                        enc.backward(
                            dOut: dy, dx: nil, workspace: ws, parameters: params.values, gradients: &dp,
                            scoreScales: { f.baseAddress! + $0 * P }, dScoreScales: { base + $0 * P })
                    }
                }
                return [dφ]
            })
    }

    func testEmbeddingInputGradientWithConcatenation() {
        let B = 3, L = 4, w = 5, stride = 8, offset = 2
        let params = ParameterSet()
        var rng = SplitMixRNG(seed: 1)
        let emb = ScalarTokenEmbedding(params, name: "e", length: L, width: w, using: &rng)
        GradientCheck().check(
            "embedding", inputs: [rand(B * L), params.values],
            forward: { xs in
                self.zeros(B * L * stride).mutated {
                    emb.forward(input: xs[0], tokens: $0, batch: B, parameters: xs[1], stride: stride, offset: offset)
                }
            },
            backward: { xs, dy in
                var dIn = self.rand(B * L), dp = self.zeros(xs[1].count)  // dInput is written, not added to
                emb.backward(
                    input: xs[0], dTokens: dy, dInput: &dIn, batch: B, parameters: xs[1], gradients: &dp,
                    stride: stride, offset: offset)
                return [dIn, dp]
            })
        // columns outside offset ..< offset + w are left alone
        let out = [Float](repeating: 7, count: B * L * stride).mutated {
            emb.forward(
                input: rand(B * L), tokens: $0, batch: B, parameters: params.values, stride: stride, offset: offset)
        }
        for r in 0..<(B * L) {
            for c in 0..<stride where c < offset || c >= offset + w { XCTAssertEqual(out[r * stride + c], 7) }
        }
    }

    /// Layers 0..<1 run per round on T·B words, the T streams are averaged (at the mid norm, which follows layer 0),
    /// and layer 1 runs once: the gradient through ranges and pooling against finite differences, and a split run
    /// with T = 1 equals the whole-range run exactly.
    func testLayerRangesWithRoundPooling() {
        let (enc, params) = encoder(layers: 2, d: 8, heads: 2, placement: .pre, activation: .gelu)
        XCTAssertEqual(enc.midAfter, 0)
        let T = 3, B = 2, per = B * enc.config.length * enc.config.width
        let call = MultiHeadAttention.Call(training: true, seed: 8, step: 1)
        func run(_ x: [Float], _ p: [Float]) -> (out: [Float], first: EncoderWorkspace, second: EncoderWorkspace) {
            let first = enc.makeWorkspace(batch: T * B), second = enc.makeWorkspace(batch: B)
            var streams = zeros(T * per), pooled = zeros(per), out = zeros(per)
            enc.forward(x: x, out: &streams, workspace: first, parameters: p, call: call, layers: 0..<1)
            RoundPooling.forward(x: streams, y: &pooled, rounds: T, count: per)
            enc.forward(x: pooled, out: &out, workspace: second, parameters: p, call: call, layers: 1..<2)
            return (out, first, second)
        }
        GradientCheck().check(
            "ranges + pooling", inputs: [rand(T * per), params.values], forward: { run($0[0], $0[1]).out },
            backward: { xs, dy in
                let (_, first, second) = run(xs[0], xs[1])
                var dPooled = self.zeros(per), dStreams = self.zeros(T * per), dx = self.zeros(T * per),
                    dp = self.zeros(xs[1].count)
                enc.backward(dOut: dy, dx: &dPooled, workspace: second, parameters: xs[1], gradients: &dp)
                RoundPooling.backward(dy: dPooled, dx: &dStreams, rounds: T, count: per)
                enc.backward(dOut: dStreams, dx: &dx, workspace: first, parameters: xs[1], gradients: &dp)
                return [dx, dp]
            })
        // T = 1: the split equals the whole
        let x = rand(per), ws = enc.makeWorkspace(batch: B)
        var whole = zeros(per), half = zeros(per), split = zeros(per)
        enc.forward(x: x, out: &whole, workspace: ws, parameters: params.values, call: call)
        enc.forward(x: x, out: &half, workspace: ws, parameters: params.values, call: call, layers: 0..<1)
        enc.forward(
            x: half, out: &split, workspace: enc.makeWorkspace(batch: B), parameters: params.values, call: call,
            layers: 1..<2)
        XCTAssertEqual(whole, split)
    }

    func testMLPGradients() {
        let params = ParameterSet()
        var rng = SplitMixRNG(seed: 6)
        for activation in Activation.allCases {
            let mlp = MLP(
                params, names: ["m\(activation).0", "m\(activation).2", "m\(activation).4"], sizes: [4, 10, 10, 3],
                activation: activation, using: &rng)
            let R = 3, ws = MLP.Workspace(mlp: mlp, rows: R, arena: Arena())
            GradientCheck(atol: 3e-3, rtol: 3e-2, kinkFraction: activation == .relu ? 0.05 : 0).check(
                "MLP \(activation)", inputs: [rand(R * 4), params.values],
                forward: { xs in
                    self.zeros(R * 3).mutated {
                        mlp.forward(x: xs[0], y: $0, rows: R, workspace: ws, parameters: xs[1])
                    }
                },
                backward: { xs, dy in
                    _ = self.zeros(R * 3).mutated {
                        mlp.forward(x: xs[0], y: $0, rows: R, workspace: ws, parameters: xs[1])
                    }
                    var dx = self.zeros(R * 4), dp = self.zeros(xs[1].count)
                    mlp.backward(dy: dy, x: xs[0], dx: &dx, rows: R, workspace: ws, parameters: xs[1], gradients: &dp)
                    return [dx, dp]
                })
        }
    }

    /// Frozen groups keep their values and Adam moments; a group's own clip bounds its gradient norm.
    func testParameterGroupsFreezeAndClip() {
        var config = EncoderConfig(layers: 1, width: 8, heads: 2, pattern: .full(4))
        config.attentionDropout = 0
        let net = TokenNetwork(config: config, outputs: 4, seed: 3)
        let trainer = DataParallelTrainer(network: net, batch: 6, workers: 2, optimizer: Adam(learningRate: 1e-2))
        let frozen = ParameterGroup.named("embedding", in: net.parameters, trainable: false) { $0 == "src_embed" }
        let clipped = ParameterGroup.named("head", in: net.parameters, clipNorm: 1e-3) { $0.hasPrefix("out_fc") }
        XCTAssertEqual(frozen.ranges.count, 1)
        XCTAssertEqual(clipped.ranges.count, 1, "weight and bias are adjacent: one range")
        trainer.groups = [frozen, clipped]
        let before = net.parameters.values
        let x = rand(6 * 4), t = x.map { $0 > 0 ? Float(1) : 0 }
        for s in 0..<3 { trainer.step(input: x, targets: t, seed: 1, step: UInt64(s)) }
        for i in frozen.ranges[0] {
            XCTAssertEqual(net.parameters.values[i], before[i])
            XCTAssertEqual(trainer.optimizer.m[i], 0)
        }
        var norm = 0.0
        for i in clipped.ranges[0] { norm += Double(net.parameters.gradients[i] * net.parameters.gradients[i]) }
        XCTAssertLessThanOrEqual(norm.squareRoot(), 1.001e-3)
        XCTAssertNotEqual(Array(net.parameters.values[clipped.ranges[0]]), Array(before[clipped.ranges[0]]))
        let other = net.parameters.entry("decoder.layers.0.feed_forward.w_1.weight")!
        XCTAssertNotEqual(net.parameters.values[other.offset], before[other.offset], "the rest trains")
    }

    /// The activations on every kernel path against their reference twins.
    func testActivationsOnEveryPath() {
        let x = rand(37, scale: 3), dy = rand(37)
        for a in Activation.allCases {
            let ref = zeros(37).mutated { a.forward(x, $0, count: 37, kernels: .reference) }
            let dref = zeros(37).mutated { a.backward(x, dy, $0, count: 37, kernels: .reference) }
            for k in KernelPath.runnableCases {
                let y = zeros(37).mutated { a.forward(x, $0, count: 37, kernels: k) }
                let dx = rand(37).mutated { a.backward(x, dy, $0, count: 37, kernels: k) }  // written, not added to
                for i in 0..<37 {
                    XCTAssertEqual(y[i], ref[i], accuracy: 1e-6 * max(1, abs(ref[i])), "\(a) \(k)")
                    XCTAssertEqual(dx[i], dref[i], accuracy: 1e-6 * max(1, abs(dref[i])), "\(a)′ \(k)")
                }
            }
        }
    }
}
