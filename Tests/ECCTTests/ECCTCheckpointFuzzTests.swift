import Codes
import Foundation
import Neural
import TestSupport
import XCTest

@testable import ECCT

/// Corrupted checkpoints given to `train --resume` (ECCT and AECCT): refused naming the file, or resumed into a run that
/// trains (`fuzzResume`).
final class ECCTCheckpointFuzzTests: XCTestCase {
    func testCorruptedCheckpointsAreRefusedOrResume() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        for (architecture, seed) in [(nil, UInt64(0xEC07)), ("aecct", 0xAEC7)] as [(String?, UInt64)] {
            var config = ECCTTrainingConfig()
            config.epochs = 3; config.stepsPerEpoch = 2; config.batchSize = 8; config.validationWords = 0
            config.architecture = architecture
            let model =
                architecture == nil
                ? try ECCTModel(code: code, layers: 1, width: 8)
                : try ECCTModel.aecct(code: code, layers: 1, width: 16, precision: .fp, attentionDropout: 0.1)
            let run = try ECCTTrainer(model: model, config: config, workers: 1)
            let path = TemporaryFolder.path("ecct-\(architecture ?? "ecct").safetensors", group: "checkpoint-fuzz")
            try run.train(deadline: .distantPast, checkpoint: path)
            let (refused, resumed) = try fuzzResume(checkpoint: path, seed: seed, cases: 100) {
                try ECCTCheckpoint.resume(code: code, from: $0, workers: 1)
            }
            XCTAssertGreaterThan(refused, 40, architecture ?? "ecct")
            XCTAssertGreaterThan(resumed, 5, architecture ?? "ecct")
        }
    }
}
