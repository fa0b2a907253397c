import Foundation
import Neural
import TestSupport
import XCTest

@testable import LearnedCodes

/// The learned code and its DC-ECCT decoder against the reference PyTorch code (yoniLc/E2E_DC_ECCT) on the fixture
/// learned-31-16-N2-d32: n = 31, k = 16, N = 2, d = 32, 8 heads, 32 words with given messages and noise.
final class DCECCTParityTests: XCTestCase {
    static let folder = "learned-31-16-N2-d32"

    func testLossDecisionsAndEveryGradientMatchTheReference() throws {
        let model = try LearnedCodeModel.load(
            weightsAt: TestResources.path("\(Self.folder)/weights.safetensors"), heads: 8)
        XCTAssertEqual([model.n, model.k, model.layers, model.width], [31, 16, 2, 32])
        let io = try SafeTensors.read(path: TestResources.path("\(Self.folder)/io.safetensors")).tensors
        let message = try XCTUnwrap(io["message"]), noise = try XCTUnwrap(io["noise"]), B = message.shape[0]
        // H = [I | P(Ω)] entry for entry
        XCTAssertEqual(model.code.checkMatrix, try XCTUnwrap(io["H"]).values)
        let (loss, decisions, gradients) = model.network.lossAndGradients(
            messages: message.values, noise: noise.values, batch: B)
        XCTAssertEqual(loss, Double(try XCTUnwrap(io["loss"]).values[0]), accuracy: 1e-5)
        XCTAssertEqual(decisions, try XCTUnwrap(io["x_pred"]).values)
        for e in model.network.parameters.entries {
            let ref = try XCTUnwrap(io["grad." + e.name], "fixture has no gradient of \(e.name)")
            XCTAssertEqual(ref.shape, e.shape, e.name)
            let ours = gradients[e.offset..<(e.offset + e.count)]
            let scale = max(ref.values.map(abs).max()!, 1e-12)
            let worst = zip(ours, ref.values).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst / scale, 1e-4, "\(e.name): worst |Δ| \(worst), largest reference entry \(scale)")
        }
        // Ω's gradient is not trivially zero: the fixture's grad_P has 240 non-zero entries
        let omega = try XCTUnwrap(model.network.parameters.entry(DCECCTNames.omega))
        XCTAssertEqual(gradients[omega.offset..<(omega.offset + omega.count)].filter { $0 != 0 }.count, 240)
    }
}
