import TestSupport
import XCTest

@testable import Neural

final class TensorOpsTests: XCTestCase {
    let gc = GradientCheck()
    var seed: UInt64 = 17
    func rand(_ n: Int) -> [Float] { GradientCheck.random(n, seed: &seed) }
    func zeros(_ n: Int) -> [Float] { [Float](repeating: 0, count: n) }

    func testBinaryOpsWithBroadcasting() {
        let rows = 3, cols = 4, n = rows * cols
        for op in [TensorOps.Binary.add, .sub, .mul] {
            for (mode, bc) in [(TensorOps.Broadcast.same, n), (.row, cols), (.scalar, 1)] {
                gc.check(
                    "\(op) \(mode)", inputs: [rand(n), rand(bc)],
                    forward: { xs in
                        self.zeros(n).mutated {
                            TensorOps.binaryForward(
                                op, x: xs[0], b: xs[1], y: $0, count: n, columns: cols, broadcast: mode)
                        }
                    },
                    backward: { xs, dy in
                        var dx = self.zeros(n), db = self.zeros(bc)
                        TensorOps.binaryBackward(
                            op, x: xs[0], b: xs[1], dy: dy, dx: &dx, db: &db, count: n, columns: cols, broadcast: mode)
                        return [dx, db]
                    })
            }
        }
        // reference values
        let y = zeros(4).mutated {
            TensorOps.binaryForward(.sub, x: [1, 2, 3, 4], b: [10, 20], y: $0, count: 4, columns: 2, broadcast: .row)
        }
        XCTAssertEqual(y, [-9, -18, -7, -16])
    }

    func testScaleReduceConcat() {
        gc.check(
            "scale", inputs: [rand(6)],
            forward: { xs in self.zeros(6).mutated { TensorOps.scaleForward(xs[0], $0, count: 6, by: -2.5) } },
            backward: { _, dy in [self.zeros(6).mutated { TensorOps.scaleBackward(dy, $0, count: 6, by: -2.5) }] })
        for mean in [false, true] {
            gc.check(
                "reduce mean=\(mean)", inputs: [rand(12)],
                forward: { xs in
                    self.zeros(3).mutated { TensorOps.reduceRowsForward(xs[0], $0, rows: 3, columns: 4, mean: mean) }
                },
                backward: { _, dy in
                    [self.zeros(12).mutated { TensorOps.reduceRowsBackward(dy, $0, rows: 3, columns: 4, mean: mean) }]
                })
        }
        gc.check(
            "concat", inputs: [rand(6), rand(9)],
            forward: { xs in
                self.zeros(15).mutated { TensorOps.concatForward(xs[0], xs[1], $0, rows: 3, columnsA: 2, columnsB: 3) }
            },
            backward: { _, dy in
                var da = self.zeros(6), db = self.zeros(9)
                TensorOps.concatBackward(dy, &da, &db, rows: 3, columnsA: 2, columnsB: 3)
                return [da, db]
            })
        XCTAssertEqual(
            zeros(4).mutated { TensorOps.concatForward([1, 2], [3, 4], $0, rows: 2, columnsA: 1, columnsB: 1) },
            [1, 3, 2, 4])
    }

    func testHeadTransposeRoundTripAndGradient() {
        let B = 2, L = 3, H = 2, dh = 2, n = B * L * H * dh
        let x = rand(n)
        let t = zeros(n).mutated { TensorOps.transposeHeads(x, $0, batch: B, length: L, heads: H, headWidth: dh) }
        XCTAssertEqual(
            zeros(n).mutated {
                TensorOps.transposeHeads(t, $0, batch: B, length: L, heads: H, headWidth: dh, inverse: true)
            }, x)
        XCTAssertEqual(t[((0 * H + 1) * L + 2) * dh + 1], x[((0 * L + 2) * H + 1) * dh + 1])
        gc.check(
            "heads", inputs: [x],
            forward: { xs in
                self.zeros(n).mutated {
                    TensorOps.transposeHeads(xs[0], $0, batch: B, length: L, heads: H, headWidth: dh)
                }
            },
            backward: { _, dy in
                [
                    self.zeros(n).mutated {
                        TensorOps.transposeHeads(
                            dy, $0, batch: B, length: L, heads: H, headWidth: dh, inverse: true, accumulate: true)
                    }
                ]
            })
    }
}
