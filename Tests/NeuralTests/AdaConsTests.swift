import Base
import Neural
import XCTest

/// AdaCons on three slices, worked by hand from the reference's `aggregate` (yoniLc/AdaCons): α_s = ⟨g, g_s⟩/‖g_s‖/S,
/// momentum on the sorted α, the weights gathered by the sorting permutation as the reference indexes them
/// (`momentum_alphas[argsort]`), normalised, then Σ w_s g_s/‖g_s‖. The slices are ordered so that the permutation is a
/// 3-cycle, where gathering and scattering differ.
final class AdaConsTests: XCTestCase {
    func step(_ slices: [[Float]], momentum: Double, state: inout [Double]?) -> [Double] {
        let sum = (0..<2).map { i in slices.reduce(Float(0)) { $0 + $1[i] } }
        let buffers = slices.map { s in
            let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: s.count)
            _ = p.initialize(from: s)
            return UnsafeBufferPointer(p)
        }
        defer { buffers.forEach { $0.deallocate() } }
        let c = sum.withUnsafeBufferPointer {
            AdaCons.weights(slices: buffers, sum: $0, momentum: momentum, state: &state)
        }
        return (0..<2).map { i in (0..<3).reduce(0.0) { $0 + c[$1] * Double(slices[$1][i]) } }
    }

    func testThreeSlicesWithoutAndWithMomentum() {
        let r2 = 2.0.squareRoot()
        // step 1: g = [2, 3]; α = (6/2/3, 5/√2/3, 2/1/3) = (1, 1.1785, 0.6667); argsort (2, 0, 1)
        var state: [Double]? = nil
        let first = step([[0, 2], [1, 1], [1, 0]], momentum: 0.5, state: &state)
        let v1 = [2.0 / 3, 1, 5 / r2 / 3]  // sorted α
        XCTAssertEqual(state!, v1, accuracy: 1e-7)  // ε = 1e-8 beside the norms
        let w1 = [v1[2], v1[0], v1[1]], t1 = w1.reduce(0, +)  // m[argsort]
        let c1 = [w1[0] / t1 / 2, w1[1] / t1 / r2, w1[2] / t1 / 1]
        XCTAssertEqual(first, [c1[1] + c1[2], 2 * c1[0] + c1[1]], accuracy: 1e-6)
        // step 2: g = [4, 2]; α = (12/3/3, 2/1/3, 6/√2/3) = (1.3333, 0.6667, 1.4142); argsort (1, 0, 2)
        let second = step([[3, 0], [0, 1], [1, 1]], momentum: 0.5, state: &state)
        let v2 = [2.0 / 3, 4.0 / 3, 6 / r2 / 3]
        let m2 = zip(v1, v2).map { 0.5 * $0 + 0.5 * $1 }
        XCTAssertEqual(state!, m2, accuracy: 1e-7)  // ε = 1e-8 beside the norms
        let w2 = [m2[1], m2[0], m2[2]], t2 = w2.reduce(0, +)
        let c2 = [w2[0] / t2 / 3, w2[1] / t2 / 1, w2[2] / t2 / r2]
        XCTAssertEqual(second, [3 * c2[0] + c2[2], c2[1] + c2[2]], accuracy: 1e-6)
        // momentum 0: the state is this step's sorted α alone
        var fresh: [Double]? = [9, 9, 9]
        _ = step([[3, 0], [0, 1], [1, 1]], momentum: 0, state: &fresh)
        XCTAssertEqual(fresh!, v2, accuracy: 1e-7)  // ε = 1e-8 beside the norms
        XCTAssertEqual(try GradientAggregation.named("adacons", momentum: 0.9), .adacons(momentum: 0.9))
        XCTAssertThrowsError(try GradientAggregation.named("median"))
        XCTAssertThrowsError(try GradientAggregation.named("adacons", momentum: 1))
    }
}

func XCTAssertEqual(
    _ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}

/// A step's numbers depend on the slice count, not on the threads that compute the slices.
final class SliceTests: XCTestCase {
    func weightsAfterSteps(slices: Int, threads: Int, aggregation: GradientAggregation) -> [Float] {
        var config = EncoderConfig(layers: 1, width: 8, heads: 2, pattern: .full(4))
        config.attentionDropout = 0.1
        let net = TokenNetwork(config: config, outputs: 4, seed: 3)
        let trainer = DataParallelTrainer(
            network: net, batch: 10, slices: slices, threads: threads, optimizer: Adam(learningRate: 1e-2),
            microBatch: 2, aggregation: aggregation)
        var rng = SplitMixRNG(seed: 9)
        for s in 0..<4 {
            let x = (0..<40).map { _ in Float(rng.next() % 1000) / 500 - 1 }
            trainer.step(input: x, targets: x.map { $0 > 0 ? 1 : 0 }, seed: 1, step: UInt64(s))
            XCTAssertEqual(trainer.lastUpdate, .applied)
        }
        return net.parameters.values
    }

    func testThreadsDoNotChangeTheWeightsAtTheSameSliceCount() {
        for aggregation in [GradientAggregation.mean, .adacons(momentum: 0.9)] {
            let one = weightsAfterSteps(slices: 3, threads: 1, aggregation: aggregation)
            XCTAssertEqual(weightsAfterSteps(slices: 3, threads: 2, aggregation: aggregation), one, "\(aggregation)")
            XCTAssertEqual(weightsAfterSteps(slices: 3, threads: 3, aggregation: aggregation), one, "\(aggregation)")
        }
        // the workers' trainer (a slice per worker) is the slices' trainer with as many slices
        let old = weightsAfterSteps(slices: 2, threads: 2, aggregation: .mean)
        XCTAssertNotEqual(old, weightsAfterSteps(slices: 3, threads: 2, aggregation: .mean), "slices change the sums")
    }
}

/// The fixed tree over slices: its shape, the subtrees a rank sums whole, and a sum whose order shows.
final class SliceTreeTests: XCTestCase {
    typealias Node = SliceTree.Node

    func testShapeAndMaximalSubtrees() {
        XCTAssertEqual(SliceTree.split(0, 8), 4)
        XCTAssertEqual(SliceTree.split(0, 6), 4)
        XCTAssertEqual(SliceTree.split(4, 7), 6)
        let five = SliceTree(slices: 5)
        XCTAssertEqual(five.maximalSubtrees(within: 0..<5), [Node(lo: 0, hi: 5)])
        XCTAssertEqual(five.maximalSubtrees(within: 2..<5), [Node(lo: 2, hi: 4), Node(lo: 4, hi: 5)])
        XCTAssertEqual(five.maximalSubtrees(within: 1..<3), [Node(lo: 1, hi: 2), Node(lo: 2, hi: 3)])
        XCTAssertEqual(five.maximalSubtrees(within: 3..<3), [])
        // ranks dividing a power-of-two slice count each hold one subtree
        let eight = SliceTree(slices: 8)
        for K in [1, 2, 4, 8] {
            for r in 0..<K {
                XCTAssertEqual(eight.maximalSubtrees(within: (r * 8 / K)..<((r + 1) * 8 / K)).count, 1, "\(r)/\(K)")
            }
        }
    }

    func testSumsInTheTreesOrderWithWeightsAndKnownNodes() {
        // (1 + 1e8) − 1e8 = 0 in Float, where 1 + (1e8 − 1e8) = 1: the tree is ((g0 + g1) + g2)
        let values: [Float] = [1, 1e8, -1e8]
        let leaves = values.map { v -> UnsafeMutablePointer<Float> in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: 1)
            p.initialize(to: v)
            return p
        }
        defer { leaves.forEach { $0.deallocate() } }
        let tree = SliceTree(slices: 3)
        var out: Float = 7
        tree.sum(count: 1, leaf: { UnsafePointer(leaves[$0]) }, weights: nil, into: &out)
        XCTAssertEqual(out, 0)
        tree.sum(count: 1, leaf: { UnsafePointer(leaves[$0]) }, weights: [2, 1, -1], into: &out)
        XCTAssertEqual(out, (2 + 1e8) + 1e8)
        // a node known from elsewhere is taken as it is
        var left: Float = 5
        withUnsafePointer(to: &left) { l in
            tree.sum(
                Node(lo: 0, hi: 3), count: 1, leaf: { UnsafePointer(leaves[$0]) }, weights: nil,
                known: [Node(lo: 0, hi: 2): l], into: &out)
        }
        XCTAssertEqual(out, 5 - 1e8)
    }
}
