import Codes
import Foundation
import TestSupport
import XCTest

@testable import Channels

/// Job-array shards (`--shard i/K`): K shards of a point, merged, are exactly one process's point, with a stop rule
/// and without; a merge that lacks a block of the prefix says which shard to rerun; shards of mixed K are refused.
final class ShardTests: XCTestCase {
    func config(minErrors: Int, minFrames: Int, maxFrames: Int) -> MonteCarloConfig {
        var c = MonteCarloConfig()
        c.minErrors = minErrors; c.minFrames = minFrames; c.maxFrames = maxFrames; c.seed = 9; c.threads = 2
        return c
    }

    func testMergedShardsEqualOneRun() throws {
        let code = try Catalog.code(named: "BCH-31-16")
        let decoder = try DecoderRegistry.make("bp5", code: code)
        for rule in [(40, 2_000, 60_000), (0, 5_000, 5_000), (1_000_000, 0, 3_000)] {
            let one = MonteCarlo(code: code, config: config(minErrors: rule.0, minFrames: rule.1, maxFrames: rule.2))
            let whole = one.run(decoder: decoder, channel: .awgn, parameter: 3, pointIndex: 2)
            for K in [1, 2, 3] {
                let shards = try (0..<K).map { i in
                    var c = one.config
                    c.threads = 1 + i % 2
                    return MonteCarlo(code: code, config: c).runShard(
                        try BlockShard(index: i, count: K), decoder: decoder, channel: .awgn, parameter: 3,
                        pointIndex: 2)
                }
                // a JSON round trip, as the shard files go through
                let decoded = try shards.map {
                    try JSONDecoder().decode(ShardPoint<PointResult>.self, from: try JSONEncoder().encode($0))
                }
                let merged = try one.merge(decoded.reversed())
                XCTAssertEqual(
                    [merged.frames, merged.frameErrors, merged.bitErrors, merged.mlErrors],
                    [whole.frames, whole.frameErrors, whole.bitErrors, whole.mlErrors], "rule \(rule), K = \(K)")
                XCTAssertEqual(merged.bitErrorSquares, whole.bitErrorSquares, "rule \(rule), K = \(K)")
            }
        }
    }

    func testAMergeWithoutThePrefixNamesTheShardAndMixedShardsAreRefused() throws {
        let code = try Catalog.code(named: "BCH-31-16")
        let decoder = try DecoderRegistry.make("bp5", code: code)
        let one = MonteCarlo(code: code, config: config(minErrors: 50, minFrames: 256, maxFrames: 1_000_000))
        let first = one.runShard(
            try BlockShard(index: 0, count: 3), decoder: decoder, channel: .awgn, parameter: 3, pointIndex: 0)
        XCTAssertThrowsError(try one.merge([first])) {
            XCTAssertTrue("\($0)".contains("block 1") && "\($0)".contains("shard 2/3"), "\($0)")
        }
        let other = one.runShard(
            try BlockShard(index: 1, count: 2), decoder: decoder, channel: .awgn, parameter: 3, pointIndex: 0)
        XCTAssertThrowsError(try one.merge([first, other])) {
            XCTAssertTrue("\($0)".contains("shards of different counts"), "\($0)")
        }
        for bad in ["0/3", "4/3", "1/0", "a/b", "3"] {
            XCTAssertThrowsError(try BlockShard.parse(bad), bad)
        }
        XCTAssertEqual(try BlockShard.parse("3/8"), try BlockShard(index: 2, count: 8))
    }
}

extension ShardTests {
    /// A shard file is input: an impossible share, more blocks than the rule has, or an error block the shard did not
    /// run are refused (no division by zero, no loop over claimed blocks).
    func testHostileShardPointsAreRefused() throws {
        for bad in [#"{"index":0,"count":0}"#, #"{"index":5,"count":3}"#, #"{"index":-1,"count":2}"#] {
            XCTAssertThrowsError(try JSONDecoder().decode(BlockShard.self, from: Data(bad.utf8)), bad)
        }
        let code = try Catalog.code(named: "HAMMING-7-4")
        let decoder = try DecoderRegistry.make("bp5", code: code)
        let one = MonteCarlo(code: code, config: config(minErrors: 0, minFrames: 2048, maxFrames: 2048))
        var s = one.runShard(
            try BlockShard(index: 0, count: 2), decoder: decoder, channel: .awgn, parameter: 2, pointIndex: 0)
        let t = one.runShard(
            try BlockShard(index: 1, count: 2), decoder: decoder, channel: .awgn, parameter: 2, pointIndex: 0)
        XCTAssertNoThrow(try one.merge([s, t]))
        s.blocksDone = 1 << 40
        XCTAssertThrowsError(try one.merge([s, t])) { XCTAssertTrue("\($0)".contains("claims"), "\($0)") }
        s.blocksDone = 4
        s.errorBlocks.append(BlockRecord(block: 1, tally: s.total))
        XCTAssertThrowsError(try one.merge([s, t])) {
            XCTAssertTrue("\($0)".contains("not one of the blocks"), "\($0)")
        }
    }
}
