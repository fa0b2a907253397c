import TestSupport
import XCTest

@testable import Neural

final class ModelTests: XCTestCase {
    func makeModel(
        L: Int = 5, d: Int = 8, outputs: Int = 3, layers: Int = 2, heads: Int = 2, pattern: AttentionPattern? = nil,
        seed: UInt64 = 4
    ) -> TokenNetwork {
        var config = EncoderConfig(layers: layers, width: d, heads: heads, pattern: pattern ?? .full(L))
        config.attentionDropout = 0.1
        return TokenNetwork(config: config, outputs: outputs, seed: seed)
    }

    func testModelGradientsWithBCELoss() {
        let m = makeModel()
        let B = 2, L = 5, O = 3
        var s: UInt64 = 8
        let x = GradientCheck.random(B * L, seed: &s, scale: 2)
        let t: [Float] = (0..<(B * O)).map { Float($0 % 2) }
        // inputs are data: the check covers every parameter
        func loss(_ p: [Float]) -> (Float, TokenNetwork.Workspace, [Float]) {
            let ws = m.makeWorkspace(batch: B)
            var z = [Float](repeating: 0, count: B * O)
            m.forward(x, &z, ws, p, .init(training: true, seed: 1, step: 3))
            return (BCEWithLogits.forward(logits: z, targets: t, count: B * O), ws, z)
        }
        GradientCheck().check(
            "model", inputs: [m.parameters.values], forward: { xs in [loss(xs[0]).0] },
            backward: { xs, dy in
                let (_, ws, z) = loss(xs[0])
                var dz = [Float](repeating: 0, count: B * O)
                BCEWithLogits.backward(logits: z, targets: t, dz: &dz, count: B * O, scale: dy[0])
                var g = [Float](repeating: 0, count: xs[0].count)
                m.backward(x, dz, ws, xs[0], &g)
                return [g]
            })
    }

    /// A two-layer attention model learns a task that needs attention: output i says whether tokens i and
    /// i+1 (cyclically) have opposite signs. The loss on a fixed batch must fall below 0.25 (from ~0.69).
    func testTinyModelLearnsNeighbourSignTask() {
        let L = 6, B = 64
        let m = makeModel(L: L, d: 16, outputs: L, layers: 2, seed: 1)
        var adam = Adam(learningRate: 3e-3)
        adam.beta2 = 0.99
        let trainer = DataParallelTrainer(network: m, batch: B, workers: 2, optimizer: adam)
        var s: UInt64 = 21
        let x = GradientCheck.random(B * L, seed: &s, scale: 1).map { $0 >= 0 ? $0 + 0.2 : $0 - 0.2 }
        var t = [Float](repeating: 0, count: B * L)
        for b in 0..<B { for i in 0..<L { t[b * L + i] = (x[b * L + i] < 0) != (x[b * L + (i + 1) % L] < 0) ? 1 : 0 } }
        let first = trainer.step(input: x, targets: t, seed: 9, step: 0)
        var last = first
        for step in 1..<400 { last = trainer.step(input: x, targets: t, seed: 9, step: UInt64(step)) }
        XCTAssertGreaterThan(first, 0.5)
        XCTAssertLessThan(last, 0.25, "loss \(first) → \(last)")
    }

    /// One seeded step with 1 and 3 workers and micro-batches of 1, 4 and 9 samples: the loss and the summed
    /// gradients agree up to summation order (dropout is on: its decisions must not depend on the split either).
    /// (Parameters after Adam steps can differ by up to lr where a gradient is zero up to rounding, since
    /// Adam normalises the update, so the property is stated on the gradients.)
    func testGradientsDoNotDependOnWorkerCountBeyondRounding() {
        var grads: [[Float]] = [], losses: [Float] = []
        for (workers, micro) in [(1, 9), (3, 4), (2, 1), (1, 4)] {
            let m = makeModel(L: 5, d: 16, outputs: 5, heads: 8, seed: 2)  // the eight-head kernels, with dropout 0.1
            let trainer = DataParallelTrainer(
                network: m, batch: 9, workers: workers, optimizer: Adam(learningRate: 0), microBatch: micro)
            var s: UInt64 = 5
            let x = GradientCheck.random(9 * 5, seed: &s)
            let t = x.map { $0 > 0 ? Float(1) : 0 }
            losses.append(trainer.step(input: x, targets: t, seed: 4, step: 7))
            grads.append(m.parameters.gradients)
        }
        let scale = grads[0].map(abs).max()!
        XCTAssertGreaterThan(scale, 1e-3)
        for r in 1..<grads.count {
            XCTAssertEqual(losses[0], losses[r], accuracy: 1e-6)
            for i in 0..<grads[0].count {
                XCTAssertEqual(grads[0][i], grads[r][i], accuracy: 1e-5 * scale, "run \(r), parameter \(i)")
            }
        }
    }
}
