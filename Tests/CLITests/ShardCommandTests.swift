import Foundation
import TestSupport
import XCTest

/// Job arrays: `eccbench … --shard i/K --json F` for every i, then `eccbench merge`, writes the JSON of one process
/// (the same counts for every point, with a stop rule); a missing shard or a shard of another run is refused.
final class ShardCommandTests: XCTestCase {
    func testShardsMergeIntoTheCountsOfOneRun() throws {
        let args = [
            "--code", "BCH-31-16", "--decoders", "bp5,osd1", "--ebn0", "2,4", "--min-errors", "60", "--min-frames",
            "1000", "--max-frames", "60000", "--seed", "7",
        ]
        let whole = temp("shard-whole.json"), merged = temp("shard-merged.json")
        try runSucceeding(args + ["--json", whole])
        let shards = (1...3).map { temp("shard-\($0).json") }
        for (i, path) in shards.enumerated() {
            try runSucceeding(args + ["--shard", "\(i + 1)/3", "--json", path, "--threads", "\(1 + i % 2)"])
        }
        let r = try runSucceeding(["merge"] + shards.reversed() + ["--json", merged])
        XCTAssertTrue(r.stdout.contains("merged from 3 shards"), r.stdout)
        func counts(_ path: String) throws -> [[Int]] {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
            let points = (object as! [String: Any])["points"] as! [[String: Any]]
            return points.map { p in ["frames", "frame_errors", "bit_errors"].map { p[$0] as! Int } }
        }
        XCTAssertEqual(try counts(merged), try counts(whole))
        let missing = try run(["merge", shards[0], shards[2]])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("shard 2/3 missing"), missing.stderr)
        let other = temp("shard-other.json")
        try runSucceeding(args.map { $0 == "7" ? "8" : $0 } + ["--shard", "2/3", "--json", other])
        let mixed = try run(["merge", shards[0], other, shards[2]])
        XCTAssertTrue(mixed.stderr.contains("not a shard of the same run"), mixed.stderr)
        let noJSON = try run(args + ["--shard", "1/3"])
        XCTAssertTrue(noJSON.stderr.contains("--shard writes its blocks with --json"), noJSON.stderr)
        for bad in ["0/3", "4/3", "x"] {
            XCTAssertNotEqual(try run(args + ["--shard", bad, "--json", temp("bad.json")]).status, 0, bad)
        }
    }
}

extension ShardCommandTests {
    /// The same for `eccbench qec` (mwpm and uf on toric-4 with a stop rule) and `qec threshold` (its crossings).
    func testQuantumShardsMergeIntoTheCountsOfOneRun() throws {
        let args = [
            "qec", "--code", "toric-4", "--decoders", "mwpm,uf", "--p", "0.05,0.1", "--min-failures", "40",
            "--min-shots", "512", "--max-shots", "40000", "--seed", "3",
        ]
        let whole = temp("qshard-whole.json"), merged = temp("qshard-merged.json")
        try runSucceeding(args + ["--json", whole])
        let shards = (1...3).map { temp("qshard-\($0).json") }
        for (i, path) in shards.enumerated() { try runSucceeding(args + ["--shard", "\(i + 1)/3", "--json", path]) }
        try runSucceeding(["merge"] + shards + ["--json", merged])
        func counts(_ path: String) throws -> [[Int]] {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
            let points = (object as! [String: Any])["points"] as! [[String: Any]]
            return points.map { p in ["shots", "failures"].map { p[$0] as! Int } }
        }
        XCTAssertEqual(try counts(merged), try counts(whole))
        // qec threshold: several codes in one shard file; the merge prints the same crossings
        let threshold = [
            "qec", "threshold", "--sizes", "3,5", "--decoders", "mwpm,uf", "--noise", "independent", "--p", "0.08,0.12",
            "--min-failures", "30", "--min-shots", "512", "--max-shots", "20000",
        ]
        let one = try runSucceeding(threshold)
        let parts = (1...2).map { temp("tshard-\($0).json") }
        for (i, path) in parts.enumerated() {
            try runSucceeding(threshold + ["--shard", "\(i + 1)/2", "--json", path])
        }
        let combined = try runSucceeding(["merge"] + parts)
        func crossings(_ text: String) -> [Substring] { text.split(separator: "\n").filter { $0.contains(" / ") } }
        XCTAssertEqual(crossings(combined.stdout), crossings(one.stdout))
        XCTAssertFalse(crossings(one.stdout).isEmpty, one.stdout)
    }
}
