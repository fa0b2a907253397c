import Base
import Foundation
import Neural
import TestSupport
import XCTest

@testable import QECC

/// `qec train` settings with hostile sizes and probabilities (layers × width up to 64 × 4096, codes up to toric-100,
/// tiny and subnormal p, zero or huge batches): refused before allocating, with a message, or a model that builds and
/// takes a training step. A few hundred cases in seconds.
final class DQECSettingsFuzzTests: XCTestCase {
    func testHostileSettingsAreRefusedOrTrain() throws {
        let tally = FuzzTally.run(
            seed: 0x5E77, cases: 200, accepted: { $0 is QECCError || $0 is SettingsError || $0 is TrainingError }
        ) { m, index in
            func pick<T>(_ ordinary: [T], _ hostile: [T]) -> T { m.pick(ordinary, hostile) }
            let code = pick(
                ["toric-2", "toric-3", "surface-3"], ["toric-101", "planar-100", "toric-0", "surface-4", "surface-143"])
            let noise: PauliNoise = m.below(2) == 0 ? .independent : .depolarizing
            let rounds = pick([1, 1, 2], [0, -3, 1025])
            let layers = pick([1, 2], [0, -1, 64, 65, 1000])
            let width = pick([8, 16], [0, 7, 4096, 8192, -16])
            let heads = pick([2, 4], [0, 3, 1_000_000])
            let p = pick([0.05, 0.1], [0, 1, 1e-320, 5e-324, -1, .nan, 1e-18])
            let batch = pick([4, 8], [0, -1, 65_537])
            var config = DQECTrainingConfig(
                code: code, noise: noise, rounds: rounds, layers: layers, width: width, heads: heads, trainP: [p],
                epochs: 1, stepsPerEpoch: 1, batch: batch, validationP: [pick([0.1], [1e-320, 5e-324, .nan])],
                validationShots: 32)
            config.nonzeroOnly = m.below(2) == 0
            let label =
                "case \(index): \(code) \(noise) T=\(rounds) N=\(layers) d=\(width) H=\(heads) p=\(p) B=\(batch)"
            return (
                label,
                {
                    try config.validate()
                    let problem = try DecodingProblem(
                        code: try QuantumCatalog.code(named: code), noise: noise, rounds: rounds)
                    let model = try DQECModel(problem: problem, layers: layers, width: width, heads: heads)
                    let run = try DQECTrainer(model: model, config: config, workers: 1)
                    try run.train()
                    XCTAssertTrue(run.network.parameters.values.allSatisfy(\.isFinite), label)
                }
            )
        }
        tally.expect(refusedMoreThan: 80, passedMoreThan: 10, "qec train settings fuzz")
    }
}
