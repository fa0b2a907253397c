import Foundation
import Neural
import TestSupport
import XCTest

@testable import LearnedCodes

/// Corrupted checkpoints given to `learn-code --resume`: refused naming the file, or resumed into a run that trains
/// (`fuzzResume`).
final class LearnedCodeCheckpointFuzzTests: XCTestCase {
    func testCorruptedCheckpointsAreRefusedOrResume() throws {
        var config = LearnedCodeTrainingConfig(n: 15, k: 7, layers: 1, width: 8, epochs: 3, stepsPerEpoch: 2)
        config.batchSize = 8
        config.validationWords = 0
        let run = try LearnedCodeTrainer(
            model: try LearnedCodeModel(n: 15, k: 7, layers: 1, width: 8), config: config, workers: 1)
        let path = TemporaryFolder.path("learned.safetensors", group: "checkpoint-fuzz")
        try run.train(deadline: .distantPast, checkpoint: path)
        let (refused, resumed) = try fuzzResume(checkpoint: path, seed: 0x1EA7, cases: 150) {
            try LearnedCodeCheckpoint.resume(from: $0, workers: 1)
        }
        XCTAssertGreaterThan(refused, 60)
        XCTAssertGreaterThan(resumed, 5)
    }
}
