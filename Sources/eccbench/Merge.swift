import ArgumentParser
import Channels
import Codes
import Foundation
import QECC

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
        let data = FileManager.default.contents(atPath: files[0]) ?? Data()
        if (try? JSONDecoder().decode(ShardFileKind.self, from: data))?.format == QuantumSetup.format {
            try mergeQuantum()
        } else {
            try mergeClassical()
        }
    }

    func mergeClassical() throws {
        let shards = try readShardFiles(ClassicalShardFile.self, files, format: ClassicalSetup.format)
        try checkShards(files, keys: shards.map(\.runKey), shards: shards.map(\.shard))
        let first = shards[0]
        let setup = first.setup
        guard let model = ChannelModel(rawValue: setup.channel) else {
            throw ValidationError("\(files[0]): unknown channel '\(setup.channel)'")
        }
        let code = try loadCode(setup.code, standardize: setup.standardize)
        var config = MonteCarloConfig()
        config.stopRule = try first.stopRule(file: files[0])
        config.seed = first.seed; config.referenceNoise = setup.referenceNoise; config.threads = 1
        let engine = MonteCarlo(code: code, config: config)
        let report = Report(code: code, channel: model, config: config)
        print(report.header() + "\nmerged from \(first.shard.count) shards\n" + Report.tableHeader(model))
        let merged = try mergePoints(first.decoders, first.parameters) { decoder, index in
            let r = try engine.merge(shards.flatMap { $0.points(of: decoder, at: index) })
            print(Report.row(r))
            return r
        }
        print("\n" + report.summary(merged, points: first.parameters))
        if let json = results.json { try CodeFiles.writeAtomically(try report.json(merged), to: json) }
        if let csv = results.csv { try CodeFiles.writeAtomically(report.csv(merged), to: csv) }
        if let plot = results.plot {
            try CodeFiles.writeAtomically(SVGPlot.render(merged, code: code, channel: model), to: plot)
        }
    }

    func mergeQuantum() throws {
        let shards = try readShardFiles(QECShardFile.self, files, format: QuantumSetup.format)
        try checkShards(files, keys: shards.map(\.runKey), shards: shards.map(\.shard))
        let first = shards[0]
        let setup = first.setup
        var config = LERConfig()
        config.stopRule = try first.stopRule(file: files[0])
        config.seed = first.seed; config.nonzeroOnly = setup.nonzeroOnly; config.threads = 1
        print(
            "noise \(setup.noise), seed \(first.seed); merged from \(first.shard.count) shards\n"
                + QECReport.tableHeader)
        if let dem = setup.dem, let run = setup.runs.first {
            let merged = try mergePoints(run.decoders, first.parameters) { decoder, index in
                let r = try LERPoint.merged(
                    shards.flatMap { $0.points(of: decoder, at: index, code: run.code) }, rule: config.stopRule)
                print(QECReport.row(r, code: run.code))
                return r
            }
            let label = QECReport.Label(
                name: dem.source, n: dem.mechanisms, k: dem.observables, checks: dem.detectors)
            try results.writeLER([(label, merged)], config: config, noise: setup.noise)
            return
        }
        var runs: [(CSSCode, [LERPoint])] = []
        for run in setup.runs {
            let code = try QuantumCatalog.code(named: run.code)
            let problem = try DecodingProblem(code: code, noise: try PauliNoise.named(setup.noise), rounds: run.rounds)
            let engine = LogicalErrorSimulation(problem: problem, config: config)
            let merged = try mergePoints(run.decoders, first.parameters) { decoder, index in
                let r = try engine.merge(shards.flatMap { $0.points(of: decoder, at: index, code: run.code) })
                print(QECReport.row(r, code: code.name))
                return r
            }
            runs.append((code, merged))
        }
        var marks: [LogPlot.Mark] = []
        if let sizes = setup.sizes, sizes.count == runs.count {
            let decoders = runs.flatMap { $0.1.map(\.decoder) }.reduce(into: [String]()) {
                if !$0.contains($1) { $0.append($1) }
            }
            print("\n" + QECReport.crossings(runs, sizes: sizes, decoders: decoders))
            marks = QECReport.thresholdMarks(runs, sizes: sizes, decoders: decoders)
        }
        try results.writeLER(
            runs.map { (QECReport.Label($0.0), $0.1) }, config: config, noise: setup.noise, marks: marks)
    }

    /// Every (decoder, point) of the run merged in order; a shard short of a point's rule names the point.
    func mergePoints<T>(_ decoders: [String], _ parameters: [Double], _ merge: (String, Int) throws -> T) throws -> [T]
    {
        var out: [T] = []
        for decoder in decoders {
            for index in parameters.indices {
                do { out.append(try merge(decoder, index)) } catch let e as ShardError {
                    throw ValidationError("\(decoder) at \(parameters[index]): \(e.description)")
                }
            }
        }
        return out
    }
}
