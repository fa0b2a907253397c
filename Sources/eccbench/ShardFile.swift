import ArgumentParser
import Channels
import Codes
import Foundation
import QECC

/// What one job-array task (`eccbench … --shard i/K --json F`) writes for `eccbench merge`: the run's settings (every
/// shard of one run must have the same: `setup`, seed, stop rule, decoders, points, K, version), and for each
/// (decoder, point) the shard's blocks (`ShardPoint`). `ClassicalShardFile` and `QECShardFile` are its two kinds.
struct ShardFile<Setup: ShardSetup, T: ShardableTally>: Codable {
    var format = Setup.format
    var version = ECCBench.version
    var setup: Setup
    var seed: UInt64
    /// Minimum errors, minimum and maximum trials, block size (`StopRule.fields`).
    var rule: [Int]
    var shard: BlockShard
    var decoders: [String]
    var parameters: [Double]
    var points: [Entry] = []

    struct Entry: Codable {
        var decoder: String
        var pointIndex: Int
        var point: ShardPoint<T>
        /// The code of the point (qec threshold: several codes in one file; nil for one code).
        var code: String? = nil
    }

    init(setup: Setup, seed: UInt64, rule: StopRule, shard: BlockShard, decoders: [String], parameters: [Double]) {
        self.setup = setup; self.seed = seed; self.shard = shard; self.decoders = decoders
        self.parameters = parameters
        let f = rule.fields
        self.rule = [f.0, f.1, f.2, f.3]
    }

    /// The stored rule, checked.
    func stopRule(file: String) throws -> StopRule {
        guard rule.count == 4, rule[0] >= 0, rule[1] >= 1, (rule[1]...Simulate.frameLimit).contains(rule[2]),
            (1...(1 << 20)).contains(rule[3])
        else {
            throw ValidationError(
                "\(file): 'rule' \(rule) is not a stop rule (minimum errors ≥ 0, 1 ≤ minimum ≤ maximum ≤ "
                    + "\(Simulate.frameLimit) trials, block size 1…1048576)")
        }
        return StopRule(minErrors: rule[0], minTrials: rule[1], maxTrials: rule[2], blockSize: rule[3])
    }

    /// The settings that must agree across the shards of one run: everything but the shard's index and its points.
    var runKey: String {
        var key = self
        key.points = []
        key.shard = (try? BlockShard(index: 0, count: shard.count)) ?? shard
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(key)) ?? Data(), as: UTF8.self)
    }

    /// The shard's counts of one (code, decoder, point), for the merge.
    func points(of decoder: String, at index: Int, code: String? = nil) -> [ShardPoint<T>] {
        points.filter { $0.decoder == decoder && $0.pointIndex == index && $0.code == code }.map(\.point)
    }
}

/// What a kind of shard file records of its run besides the common fields, and its format tag.
protocol ShardSetup: Codable, Equatable {
    static var format: String { get }
}

/// A classical run: the code (name or file) and its H's form, the channel, the noise generator.
struct ClassicalSetup: ShardSetup {
    static let format = "eccbench-shard-1"
    var code: String
    var standardize: Bool
    var channel: String
    var referenceNoise: Bool
}

/// A qec run: its codes (one for qec simulate; the sizes of a family for qec threshold, whose merge then estimates the
/// crossings), each with its rounds and decoders, and the noise, q and sampling.
struct QuantumSetup: ShardSetup {
    static let format = "eccbench-qec-shard-1"
    struct CodeRun: Codable, Equatable {
        var code: String
        var rounds: Int
        var decoders: [String]
    }
    /// A `qec --dem` run's model: its file, fingerprint and sizes (the parameters are the factors on its priors).
    struct ModelRun: Codable, Equatable {
        var source: String
        var fingerprint: String
        var mechanisms: Int
        var detectors: Int
        var observables: Int
    }
    var runs: [CodeRun]
    /// The family's sizes of a threshold run (nil for one code).
    var sizes: [Int]?
    var noise: String
    var q: Double?
    var nonzeroOnly: Bool
    /// Set for a run on a detector error model (`runs` then holds one run named after the file).
    var dem: ModelRun?
}

typealias ClassicalShardFile = ShardFile<ClassicalSetup, PointResult>
typealias QECShardFile = ShardFile<QuantumSetup, LERPoint>

/// Writes a shard file (sorted JSON, atomically) and says how to combine the K files.
func writeShardFile(_ file: some Encodable, to path: String, count: Int) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try CodeFiles.writeAtomically(String(decoding: try encoder.encode(file), as: UTF8.self) + "\n", to: path)
    print("wrote \(path): combine the \(count) shard files with `eccbench merge`")
}

/// The `format` of any shard file.
struct ShardFileKind: Decodable { var format: String }

/// Reads shard files of one kind, naming the file that is not one.
func readShardFiles<F: Decodable>(_ type: F.Type, _ paths: [String], format: String) throws -> [F] {
    try paths.map { path in
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(path): cannot read the file")
        }
        guard let kind = try? JSONDecoder().decode(ShardFileKind.self, from: data), kind.format == format else {
            throw ValidationError("\(path): not a \(format) file (the shards of one run must be of one kind)")
        }
        do { return try JSONDecoder().decode(F.self, from: data) } catch {
            throw ValidationError("\(path): not a shard file of `eccbench … --shard i/K --json` (\(error))")
        }
    }
}

/// Checks that the shards are the K shares of one run: the same settings (`keys`), and every index once.
func checkShards(_ files: [String], keys: [String], shards: [BlockShard]) throws {
    for (path, key) in zip(files, keys) where key != keys[0] {
        throw ValidationError(
            "\(path): not a shard of the same run as \(files[0]) (the settings, K and version must agree)")
    }
    let have = Set(shards.map(\.index)), K = shards[0].count
    let absent = (0..<K).filter { !have.contains($0) }.map { "\($0 + 1)/\(K)" }
    guard absent.isEmpty else {
        throw ValidationError("shard\(absent.count == 1 ? "" : "s") \(absent.joined(separator: ", ")) missing")
    }
}
