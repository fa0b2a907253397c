import TestSupport
import XCTest

@testable import Neural

final class TensorTests: XCTestCase {
    func testBatchedMatmulWithTransposesMatchesReference() {
        var seed: UInt64 = 3
        let batch = 3, m = 4, k = 5, n = 2
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = Tensor(
                shape: [batch] + (ta ? [k, m] : [m, k]), values: GradientCheck.random(batch * m * k, seed: &seed))
            let b = Tensor(
                shape: [batch] + (tb ? [n, k] : [k, n]), values: GradientCheck.random(batch * k * n, seed: &seed))
            let c = Tensor.matmul(a, b, transposeA: ta, transposeB: tb)
            XCTAssertEqual(c.shape, [batch, m, n])
            for i in 0..<batch {
                var ref = [Float](repeating: 0, count: m * n)
                GEMM.reference(
                    transA: ta, transB: tb, m: m, n: n, k: k, a: Array(a.values[(i * m * k)..<((i + 1) * m * k)]),
                    lda: ta ? m : k, b: Array(b.values[(i * k * n)..<((i + 1) * k * n)]), ldb: tb ? k : n, c: &ref,
                    ldc: n)
                for j in 0..<(m * n) { XCTAssertEqual(c.values[i * m * n + j], ref[j], accuracy: 1e-5) }
            }
        }
        // a shared right-hand matrix broadcasts over the batch
        let a = Tensor(shape: [2, 1, 2], values: [1, 2, 3, 4]), w = Tensor(shape: [2, 1], values: [10, 1])
        XCTAssertEqual(Tensor.matmul(a, w).values, [12, 34])
        XCTAssertEqual(a.reshaped([4]).shape, [4])
    }
}
