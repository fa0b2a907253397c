import Channels
import Codes
import ECCT
import Foundation
import Neural
import XCTest

/// The model shipped in Sources/ECCT/Models for BCH-63-45 (N = 2, d = 32).
final class PretrainedModelTests: XCTestCase {
    func testShippedBCHModelIsTheFinishedRunAndBeatsBP5() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        let entry = try XCTUnwrap(PretrainedModels.models(for: code).first { $0.layers == 2 && $0.width == 32 },
                                  "shipped: \(PretrainedModels.all)")
        let model = try ECCTModel.load(code: code, weightsAt: entry.path)
        XCTAssertEqual(model.network.parameters.count, 33_327)
        let meta = try SafeTensors.read(path: entry.path).metadata
        let state = try JSONDecoder().decode(ECCTTrainingState.self, from: Data(try XCTUnwrap(meta["state"]).utf8))
        let config = try JSONDecoder().decode(ECCTTrainingConfig.self, from: Data(try XCTUnwrap(meta["training"]).utf8))
        XCTAssertEqual(state.step, config.epochs * config.stepsPerEpoch, "the shipped checkpoint is the end of its run")
        XCTAssertEqual(state.curve.count, config.epochs)

        // the same 20,000 random codewords at 5 dB through the ECCT and through 5 BP iterations
        var mc = MonteCarloConfig()
        mc.minErrors = 0; mc.minFrames = 20_000; mc.maxFrames = 20_000; mc.seed = 7
        let engine = MonteCarlo(code: code, config: mc)
        let ecct = engine.run(decoder: ECCTDecoder(model: model), channel: .awgn, parameter: 5, pointIndex: 0)
        let bp5 = engine.run(decoder: try DecoderRegistry.make("bp5", code: code), channel: .awgn, parameter: 5, pointIndex: 0)
        XCTAssertLessThan(ecct.ber, 0.9 * bp5.ber, "ECCT BER \(ecct.ber), bp5 BER \(bp5.ber)")
    }
}
