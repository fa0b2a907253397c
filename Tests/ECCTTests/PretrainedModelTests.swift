import Channels
import Codes
import ECCT
import Foundation
import Neural
import TestSupport
import XCTest

/// The models shipped in Sources/ECCT/Models.
final class PretrainedModelTests: XCTestCase {
    /// Every shipped file loads for its code, with the size its name gives, and is a valid checkpoint at the end of its run.
    func testEveryShippedModelLoadsAndIsAFinishedRun() throws {
        XCTAssertGreaterThanOrEqual(PretrainedModels.all.count, 2, "\(PretrainedModels.all)")
        for entry in PretrainedModels.all {
            let code = try Catalog.code(named: entry.code)
            // the loader `ecct` uses, and the checkpoint reader of `train --resume` (weights, Adam, settings, state)
            let model = try ECCTModel.load(code: code, weightsAt: entry.path)
            XCTAssertEqual(model.layers, entry.layers, entry.path)
            XCTAssertEqual(model.width, entry.width, entry.path)
            let run = try ECCTCheckpoint.resume(code: code, from: entry.path, workers: 1)
            XCTAssertEqual(run.model.network.parameters.values, model.network.parameters.values, entry.path)
            XCTAssertEqual(run.state.step, run.config.epochs * run.config.stepsPerEpoch, "\(entry.path) is the end of its run")
            XCTAssertEqual(run.state.curve.count, run.config.epochs, entry.path)
            XCTAssertTrue(FileManager.default.fileExists(atPath: entry.path.replacingOccurrences(of: ".safetensors", with: ".curve.csv")),
                          "\(entry.path) ships with its learning curve")
        }
    }

    /// The shipped BCH-63-45 model (N = 2, d = 32) has fewer bit errors than 5 BP iterations (measured ratio ≈ 0.68).
    func testShippedBCHModelBeatsBP5() throws {
        try checkShippedModelBeatsBP5(code: "BCH-63-45", parameters: 33_327, ratio: 0.9)
    }

    /// The shipped POLAR-64-32 model (N = 2, d = 32, 100 epochs) has under half the bit errors of 5 BP
    /// iterations at 5 dB (papers' protocol: BER 5.5e-3 against 1.8e-2).
    func testShippedPolarModelBeatsBP5() throws {
        try checkShippedModelBeatsBP5(code: "POLAR-64-32", parameters: 34_849, ratio: 0.5)
    }

    /// The same 20,000 random codewords at 5 dB through the shipped N2 d32 ECCT and through 5 BP iterations:
    /// BER(ecct) < ratio · BER(bp5).
    func checkShippedModelBeatsBP5(code name: String, parameters: Int, ratio: Double) throws {
        let code = try Catalog.code(named: name)
        let entry = try XCTUnwrap(PretrainedModels.models(for: code).first { $0.layers == 2 && $0.width == 32 },
                                  "shipped: \(PretrainedModels.all)")
        let model = try ECCTModel.load(code: code, weightsAt: entry.path)
        XCTAssertEqual(model.network.parameters.count, parameters)
        var mc = MonteCarloConfig()
        mc.minErrors = 0; mc.minFrames = 20_000; mc.maxFrames = 20_000; mc.seed = 7
        let engine = MonteCarlo(code: code, config: mc)
        let ecct = engine.run(decoder: ECCTDecoder(model: model), channel: .awgn, parameter: 5, pointIndex: 0)
        let bp5 = engine.run(decoder: try DecoderRegistry.make("bp5", code: code), channel: .awgn, parameter: 5, pointIndex: 0)
        XCTAssertGreaterThan(bp5.ber, 0, "\(name): bp5 must make errors for the comparison to mean anything")
        XCTAssertLessThan(ecct.ber, ratio * bp5.ber, "\(name): ECCT BER \(ecct.ber), bp5 BER \(bp5.ber)")
    }
}

/// Shipped models are found from the matrix itself.
final class ModelLookupTests: XCTestCase {
    func testModelsAreFoundByTheFingerprintOfH() throws {
        let catalog = try Catalog.code(named: "BCH-63-45")
        let file = try CodeFiles.readCode(path: TestResources.path("BCH_N63_K45.txt"))
        XCTAssertEqual(file.parityCheckFingerprint, catalog.parityCheckFingerprint, "the benchmark file holds the catalog's H")
        XCTAssertFalse(PretrainedModels.models(for: catalog).isEmpty)
        XCTAssertEqual(PretrainedModels.models(for: file), PretrainedModels.models(for: catalog), "a file with the same H finds it")
        XCTAssertTrue(PretrainedModels.models(for: try catalog.standardized()).isEmpty, "standard form: another mask")
        var H = catalog.H
        H.swapRows(0, 1)   // the same code, another H (the same mask here, but rows are tokens: another model input)
        XCTAssertNotEqual(LinearCode(name: "BCH-63-45", parityCheck: H).parityCheckFingerprint, catalog.parityCheckFingerprint)
        XCTAssertTrue(PretrainedModels.models(for: LinearCode(name: "BCH-63-45", parityCheck: H)).isEmpty)
    }
}
