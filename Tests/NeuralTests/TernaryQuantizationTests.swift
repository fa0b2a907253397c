import Neural
import TestSupport
import XCTest

/// AAP ternary quantisation (docs/DESIGN.md §6) against the reference's frozen fixture.
final class TernaryQuantizationTests: XCTestCase {
    func testQuantileInterpolatesAsTorch() {
        XCTAssertEqual(TernaryQuantization.quantile([4, 1, 3, 2], q: 0.5).value, 2.5)
        XCTAssertEqual(TernaryQuantization.quantile([0, 10], q: 0.45).value, 4.5, accuracy: 1e-6)
        XCTAssertEqual(TernaryQuantization.quantile([7], q: 0.45).value, 7)
        XCTAssertEqual(TernaryQuantization.quantile([1, 2, 3], q: 1).value, 3)
    }

    /// The O(n) selection the QAT layers use gives `quantile`'s value (the sorted twin) and the positions of its two
    /// order statistics, on random matrices, ties, one entry and the ends of the range.
    func testSelectionMatchesTheSortedQuantile() {
        var seed: UInt64 = 11
        let cases: [[Float]] = [
            [7], [3, 3, 3, 3], [0, -2, 2, 0, 1], GradientCheck.random(1024, seed: &seed),
            GradientCheck.random(4096, seed: &seed), (0..<333).map { Float($0 % 7) - 3 },
        ]
        for w in cases {
            for q: Float in [0, 0.45, 0.5, 1] {
                let want = TernaryQuantization.quantile(w.map(abs), q: q)
                let scratch = UnsafeMutablePointer<(Float, Int32)>.allocate(capacity: w.count)
                defer { scratch.deallocate() }
                let got = w.withUnsafeBufferPointer {
                    TernaryQuantization.selectQuantile($0.baseAddress!, count: w.count, q: q, scratch: scratch)
                }
                XCTAssertEqual(got.value, want.value, "\(w.count) values, q \(q)")
                XCTAssertEqual(abs(w[got.lower]), want.below, "\(w.count) values, q \(q)")
                XCTAssertEqual(abs(w[got.upper]), want.above, "\(w.count) values, q \(q)")
                XCTAssertEqual(got.weight, want.weight)
            }
        }
    }

    /// Freezing the fixture's phase-2 weights with their δ gives exactly the reference's W_t and s_w.
    func testFreezeMatchesTheReferenceFrozenModel() throws {
        let (weights, _) = try SafeTensors.read(path: TestResources.path("aecct-bch63-45-N2-d32/weights.safetensors"))
        let (frozen, _) = try SafeTensors.read(
            path: TestResources.path("aecct-bch63-45-N2-d32/weights_int.safetensors"))
        let matrices = frozen.keys.filter { $0.hasSuffix(".s_w") }.map { String($0.dropLast(4)) }.sorted()
        XCTAssertEqual(matrices.count, 12, "Q, K, V, out, W1, W2 of two layers")
        for name in matrices {
            let w = try XCTUnwrap(weights["\(name).weight"]).values,
                delta = try XCTUnwrap(weights["\(name).delta"]).values[0]
            let (ternary, scale) = TernaryQuantization.freeze(weights: w, delta: delta)
            XCTAssertEqual(scale, try XCTUnwrap(frozen["\(name).s_w"]).values[0], accuracy: 1e-6 * scale, name)
            let want = try XCTUnwrap(frozen["\(name).weight"]).values
            XCTAssertEqual(zip(ternary, want).filter { $0 != $1 }.count, 0, "\(name): W_t differs from the reference")
            XCTAssertTrue(ternary.allSatisfy { [-1, 0, 1].contains($0) })
        }
    }
}
