import Base
import Foundation
import Neural
import TestSupport
import XCTest

@testable import LearnedCodes

/// `learn-code` settings with hostile sizes (n up to 100,000, k from −1, layers × width up to 64 × 4096, zero or huge
/// batches, extreme Eb/N0): refused before allocating, with a message, or a model that builds and takes a step.
final class LearnedCodeSettingsFuzzTests: XCTestCase {
    func testHostileSettingsAreRefusedOrTrain() throws {
        let tally = FuzzTally.run(
            seed: 0x1EA5, cases: 200, accepted: { $0 is SettingsError || $0 is LearnedCodeError }
        ) { m, index in
            func pick<T>(_ ordinary: [T], _ hostile: [T]) -> T { m.pick(ordinary, hostile) }
            let n = pick([7, 15], [0, 1, 1024, 1025, 100_000, -5])
            let k = pick([4, 7], [0, -1, 1, 14, 2000])
            let layers = pick([1], [0, 64, 65, -1])
            let width = pick([8, 16], [0, 7, 4096, -8])
            var config = LearnedCodeTrainingConfig(
                n: n, k: k, layers: layers, width: width, epochs: 1, stepsPerEpoch: 1)
            config.batchSize = pick([4], [0, 65_537])
            config.trainEbN0 = [pick([3.0], [-1000, .nan, .infinity, 41])]
            config.validationWords = 16
            let label = "case \(index): (\(n), \(k)) N=\(layers) d=\(width) B=\(config.batchSize) \(config.trainEbN0)"
            return (
                label,
                {
                    try config.validate()
                    let model = try LearnedCodeModel(n: n, k: k, layers: layers, width: width)
                    let run = try LearnedCodeTrainer(model: model, config: config, workers: 1)
                    try run.train()
                    XCTAssertTrue(run.network.parameters.values.allSatisfy(\.isFinite), label)
                }
            )
        }
        tally.expect(refusedMoreThan: 80, passedMoreThan: 10, "learn-code settings fuzz")
    }
}
