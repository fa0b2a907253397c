import ArgumentParser
import Channels
import Codes
import Foundation

/// `eccbench merge`: the shards of one job-array run combined into the run of one process.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the shard files of a job array (eccbench … --shard i/K --json F) into one run's results.",
        discussion: usage)

    /// Every point is accounted block by block in order, with the run's stop rule.
    static let usage =
        "Every point is accounted block by block in order, with the run's stop rule: the counts are exactly those of "
        + "one process. When the shards stopped short of a point's stop rule, merge says which shard to rerun.\n\n"
        + "Example:\n  for i in 1 2 3 4; do eccbench --code BCH-63-45 --shard $i/4 --json s$i.json; done\n"
        + "  eccbench merge s1.json s2.json s3.json s4.json --json all.json"

    @Argument(help: "The shard files (all K shards of one run).")
    var files: [String]
    @OptionGroup var results: ResultFileOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give the shard files to merge") }
    }

    func run() throws {
        let shards = try files.map(ShardFile.read)
        let first = shards[0]
        for (path, s) in zip(files, shards) where s.runKey != first.runKey {
            throw ValidationError(
                "\(path): not a shard of the same run as \(files[0]) (code, seed, stop rule, decoders, points, K and "
                    + "version must agree)")
        }
        let have = Set(shards.map(\.shard.index))
        let absent = (0..<first.shard.count).filter { !have.contains($0) }.map { "\($0 + 1)/\(first.shard.count)" }
        guard absent.isEmpty else {
            throw ValidationError("shard\(absent.count == 1 ? "" : "s") \(absent.joined(separator: ", ")) missing")
        }
        guard let model = ChannelModel(rawValue: first.channel) else {
            throw ValidationError("\(files[0]): unknown channel '\(first.channel)'")
        }
        let code = try loadCode(first.code, standardize: first.standardize)
        var config = MonteCarloConfig()
        config.minErrors = first.minErrors; config.minFrames = first.minFrames; config.maxFrames = first.maxFrames
        config.blockSize = first.blockSize; config.seed = first.seed; config.referenceNoise = first.referenceNoise
        config.threads = 1
        let engine = MonteCarlo(code: code, config: config)
        let report = Report(code: code, channel: model, config: config)
        print(report.header())
        print("merged from \(first.shard.count) shards")
        print(Report.tableHeader(model))
        var merged: [PointResult] = []
        for decoder in first.decoders {
            for index in first.parameters.indices {
                let parts = shards.flatMap { $0.points.filter { $0.decoder == decoder && $0.pointIndex == index } }
                    .map(\.point)
                do {
                    let r = try engine.merge(parts)
                    print(Report.row(r))
                    merged.append(r)
                } catch let e as ShardError {
                    throw ValidationError("\(decoder) at \(first.parameters[index]): \(e.description)")
                }
            }
        }
        print("")
        print(report.summary(merged, points: first.parameters))
        if let json = results.json { try CodeFiles.writeAtomically(try report.json(merged), to: json) }
        if let csv = results.csv { try CodeFiles.writeAtomically(report.csv(merged), to: csv) }
        if let plot = results.plot {
            try CodeFiles.writeAtomically(SVGPlot.render(merged, code: code, channel: model), to: plot)
        }
    }
}
