import Neural
import XCTest

final class ActivationQuantizationTests: XCTestCase {
    func testTensorAndTokenScales() {
        let x: [Float] = [0.5, -1, 0.25, 2, -4, 1]  // two rows of three
        let tensor = ActivationQuantization.scales(x, rows: 2, width: 3, scope: .tensor)
        XCTAssertEqual(tensor, [127 / (4 + 1e-6)])
        let token = ActivationQuantization.scales(x, rows: 2, width: 3, scope: .token)
        XCTAssertEqual(token, [127 / (1 + 1e-6), 127 / (4 + 1e-6)])
        var q = [Float](repeating: 0, count: 6)
        ActivationQuantization.quantize(x, rows: 2, width: 3, scales: token, into: &q)
        XCTAssertEqual(q, [63, -127, 32, 63, -127, 32])  // 0.5·127/(1 + 1e-6) = 63.49994 → 63; 31.75 → 32
        ActivationQuantization.quantize(x, rows: 2, width: 3, scales: tensor, into: &q)
        XCTAssertEqual(q, [16, -32, 8, 63, -127, 32])  // 15.87 → 16, 63.49998 → 63
        // exact ties round half to even
        var tie = [Float](repeating: 0, count: 3)
        ActivationQuantization.quantize([0.5, 1.5, 2.5], rows: 1, width: 3, scales: [1], into: &tie)
        XCTAssertEqual(tie, [0, 2, 2])
        // the tensor scope couples the rows: the first row's codes depend on the second row's maximum
        XCTAssertNotEqual(Array(q[0..<3]), [63, -127, 32])
    }

    /// Scope `none` (ternary weights alone): x̃ = x exactly, and the gradient passes unchanged (written or added).
    func testNoneScopePassesActivationsAndGradientsThrough() {
        let R = 3, w = 5
        let x: [Float] = (0..<(R * w)).map { Float($0) * 0.37 - 2.1 }
        let g: [Float] = (0..<(R * w)).map { Float($0 % 4) - 1.5 }
        let quantizer = ActivationQuantizer(scope: .none, width: w)
        let ws = ActivationQuantizer.Workspace(rows: R, width: w, outputs: 1, arena: Arena())
        quantizer.forward(x, rows: R, workspace: ws)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: ws.dequantized, count: R * w)), x)
        var dx = [Float](repeating: 1, count: R * w)
        quantizer.backward(g, x: x, dx: &dx, rows: R, workspace: ws)
        XCTAssertEqual(dx, g)
        quantizer.backward(g, x: x, dx: &dx, rows: R, workspace: ws, accumulate: true)
        XCTAssertEqual(dx, g.map { 2 * $0 })
        // the token scope on the same x does quantise (the test would pass vacuously otherwise)
        ActivationQuantizer(scope: .token, width: w).forward(x, rows: R, workspace: ws)
        XCTAssertNotEqual(Array(UnsafeBufferPointer(start: ws.dequantized, count: R * w)), x)
        XCTAssertEqual(ActivationQuantization.scales(x, rows: R, width: w, scope: .none), [])
    }
}
