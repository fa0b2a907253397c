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
}
