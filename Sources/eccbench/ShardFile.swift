import ArgumentParser
import Channels
import Codes
import Foundation

/// What one job-array task (`eccbench … --shard i/K --json F`) writes for `eccbench merge`: the run's settings (every
/// shard of one run must have the same), and for each (decoder, point) the shard's blocks (`ShardPoint`).
struct ShardFile: Codable {
    static let format = "eccbench-shard-1"
    var format = ShardFile.format
    var version: String
    var code: String
    var standardize: Bool
    var channel: String
    var seed: UInt64
    var referenceNoise: Bool
    var minErrors: Int, minFrames: Int, maxFrames: Int, blockSize: Int
    var shard: BlockShard
    var decoders: [String]
    var parameters: [Double]
    var points: [Entry]

    struct Entry: Codable {
        var decoder: String
        var pointIndex: Int
        var point: ShardPoint<PointResult>
    }

    /// The settings that must agree across the shards of one run (all but the shard and its points).
    var runKey: String {
        [
            format, version, code, String(standardize), channel, String(seed), String(referenceNoise),
            "\(minErrors) \(minFrames) \(maxFrames) \(blockSize)", String(shard.count), decoders.joined(separator: ","),
            parameters.map { "\($0)" }.joined(separator: ","),
        ].joined(separator: "|")
    }

    static func read(_ path: String) throws -> ShardFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(path): cannot read the file")
        }
        let file: ShardFile
        do { file = try JSONDecoder().decode(ShardFile.self, from: data) } catch {
            throw ValidationError("\(path): not a shard file of `eccbench … --shard i/K --json` (\(error))")
        }
        guard file.format == format else { throw ValidationError("\(path): format '\(file.format)' is not \(format)") }
        return file
    }
}
