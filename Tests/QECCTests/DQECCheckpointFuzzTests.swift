import Foundation
import Neural
import TestSupport
import XCTest

@testable import QECC

/// Corrupted checkpoints given to `--resume` of the neural quantum decoder: refused naming the file, or resumed into a
/// run that trains (`fuzzResume`).
final class DQECCheckpointFuzzTests: XCTestCase {
    func testCorruptedCheckpointsAreRefusedOrResume() throws {
        var config = DQECTrainingConfig(
            code: "toric-3", noise: .independent, layers: 1, width: 8, heads: 2, trainP: [0.1], epochs: 3,
            stepsPerEpoch: 2, batch: 8, validationP: [], validationShots: 0)
        config.seed = 2
        let problem = try DecodingProblem(code: try CSSCode.toric(3), noise: .independent)
        let run = try DQECTrainer(
            model: try DQECModel(problem: problem, layers: 1, width: 8, heads: 2), config: config, workers: 1)
        let path = TemporaryFolder.path("dqec.safetensors", group: "checkpoint-fuzz")
        try run.train(deadline: .distantPast, checkpoint: path)  // one step: a mid-epoch checkpoint
        let (refused, resumed) = try fuzzResume(checkpoint: path, seed: 0xD0EC, cases: 150) {
            try DQECCheckpoint.resume(from: $0, workers: 1)
        }
        XCTAssertGreaterThan(refused, 60)
        XCTAssertGreaterThan(resumed, 5)
    }
}
