import Foundation
import TestSupport
import XCTest

@testable import Channels
@testable import QECC

/// Job-array shards of a logical-error-rate point: K = 1, 2, 3 shards merged are exactly one process's point, with a
/// stop rule, for mwpm on the space-time graph and uf at code capacity.
final class LERShardTests: XCTestCase {
    func testMergedShardsEqualOneRun() throws {
        for (rounds, decoderName, p) in [(1, "uf", 0.1), (3, "mwpm", 0.03)] {
            let problem = try DecodingProblem(code: try CSSCode.toric(4), noise: .depolarizing, rounds: rounds)
            let decoder = try QuantumDecoders.make(decoderName, problem: problem, p: p, q: nil)
            var config = LERConfig()
            config.minFailures = 30; config.minShots = 512; config.maxShots = 50_000; config.seed = 3
            config.threads = 2
            let one = LogicalErrorSimulation(problem: problem, config: config)
            let whole = try one.run(decoder: decoder, p: p, pointIndex: 1)
            for K in [1, 2, 3] {
                let shards = try (0..<K).map { i in
                    try one.runShard(try BlockShard(index: i, count: K), decoder: decoder, p: p, pointIndex: 1)
                }
                let merged = try one.merge(shards)
                XCTAssertEqual(
                    [merged.shots, merged.failures], [whole.shots, whole.failures], "\(decoderName) T=\(rounds) K=\(K)")
            }
        }
    }
}
