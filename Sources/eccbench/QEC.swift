import ArgumentParser
import Channels
import Codes
import Foundation
import QECC

/// `eccbench qec`: quantum codes, their noise and decoders, logical error rates and thresholds.
struct QEC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qec",
        abstract: "Quantum error correction: logical error rates of surface and toric codes (the default), thresholds.",
        discussion: """
            Example: eccbench qec --code toric-6 --noise depolarizing --p 0.05:0.2:0.01 --decoders mwpm,uf
                     eccbench qec threshold --family toric --sizes 4,6,8 --noise independent --p 0.08:0.13:0.01
                     eccbench qec --dem circuit.dem --decoders mwpm,uf,bposd --scale-p 0.5,1,2   (a Stim DEM)
                     eccbench qec decode --dem circuit.dem --in events.b8 --in-format b8 --out obs.b8 --out-format b8
            Decoders:
            \(QuantumDecoders.help)
            """,
        subcommands: [
            QECSimulate.self, QECThreshold.self, QECCodes.self, QECCodeCommand.self, QECInfer.self, QECTrain.self,
            QECDecode.self,
        ],
        defaultSubcommand: QECSimulate.self)
}

/// Noise, decoders, stopping rule and outputs shared by `qec` and `qec threshold`.
struct QECRunOptions: ParsableArguments {
    @Option(name: .long, help: "Noise: independent (Z flips, one half) or depolarizing (X, Y, Z with p/3 each).")
    var noise: String = "depolarizing"
    @Option(
        name: .long, parsing: .unconditional,
        help: "Physical error rates: a list '0.05,0.1' or a range 'start:stop:step'.")
    var p: String = "0.05:0.2:0.025"
    @Option(name: .long, help: "Measurement error rate for --rounds > 1 (default: p).")
    var q: Double?
    @Option(
        name: .long,
        help: "Measurement rounds T (faulty syndromes in all but the last); 'L' (or 'd') means T = the code size.")
    var rounds: String = "1"
    @Option(
        name: .long,
        help:
            "Comma-separated decoders: mwpm, uf, bposd, bpm, neural, neural:FILE (default: mwpm, uf, and neural when a model ships for the code, noise and rounds)."
    )
    var decoders: String?
    @OptionGroup var stop: StopRuleOptions
    @OptionGroup var parallel: ParallelRunOptions
    @Flag(name: .long, help: "Draw each round's error again while it is zero (the DQEC scripts' sampling).")
    var nonzeroOnly = false
    @OptionGroup var files: ResultFileOptions

    func validate() throws {
        _ = try PauliNoise.named(noise)
        for v in try points() {
            guard (0...1).contains(v) else { throw ValidationError("--p: \(v) is outside [0, 1]") }
        }
        if let q { guard q.isFinite, (0...1).contains(q) else { throw ValidationError("--q \(q) is outside [0, 1]") } }
        if Int(rounds) == nil && !["l", "d", "size"].contains(rounds.lowercased()) {
            throw ValidationError("--rounds '\(rounds)' is not a number of rounds or 'L'")
        }
        if let t = Int(rounds), t < 1 || t > 1024 { throw ValidationError("--rounds must be in 1...1024, got \(t)") }
        _ = try stopRule()
        if let names = decoderNames {
            guard !names.isEmpty else { throw ValidationError("--decoders is empty") }
            for name in names { try QuantumDecoders.check(name) }
            try checkDistinctLabels(names.map { LabelledDecoder.split($0)?.label ?? $0 })
        }
        if nonzeroOnly, try points().contains(0) { throw ValidationError("--nonzero-only needs every p > 0") }
        if parallel.shard != nil { _ = try files.shardFile() }
    }

    /// The stop rule: at least 200 logical failures and 10,000 shots, at most 1,000,000 shots, unless given.
    func stopRule() throws -> (minErrors: Int, minFrames: Int, maxFrames: Int, note: String?) {
        try stop.resolve(defaults: (200, 10_000, 1_000_000), limit: 1 << 40, units: "shots")
    }

    func points() throws -> [Double] { try parsePoints(p, option: "--p") }
    /// The decoders asked for, or nil for the defaults of each problem.
    var decoderNames: [String]? {
        decoders.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
    func roundCount(size: Int) -> Int { Int(rounds) ?? size }

    var config: LERConfig {
        get throws {
            var c = LERConfig()
            c.stopRule = StopRule(try stopRule(), blockSize: c.blockSize)
            c.threads = parallel.threads; c.seed = parallel.seed; c.nonzeroOnly = nonzeroOnly
            return c
        }
    }

    /// Builds every decoder for every code at the first p before any simulation starts, so a decoder that does not apply
    /// to one size (no shipped neural model, a graph decoder on a code it cannot take) is refused at once.
    func checkDecoders(_ codes: [(code: CSSCode, size: Int)]) throws {
        let p = try points()[0]
        for (code, size) in codes {
            let problem = try DecodingProblem(
                code: code, noise: try PauliNoise.named(noise), rounds: roundCount(size: size))
            for name in decoderNames ?? QuantumDecoders.defaults(for: problem) {
                do { _ = try QuantumDecoders.make(name, problem: problem, p: p, q: q) } catch {
                    throw CommandError("decoder '\(name)' on \(code.name): \(error)")
                }
            }
        }
    }

    /// Simulate every decoder at every p on one code, printing rows as they finish.
    /// The points a code's run simulates: its decoders (given, or the problem's defaults) × the p grid.
    func pointCount(code: CSSCode, size: Int) throws -> Int {
        let problem = try DecodingProblem(
            code: code, noise: try PauliNoise.named(noise), rounds: roundCount(size: size))
        return (decoderNames ?? QuantumDecoders.defaults(for: problem)).count * (try points().count)
    }

    /// `position`: this code's first point, the run's point count and its start, for the progress line ("point 7 of 54,
    /// ≈ 3 min left at this pace": the finished points' mean time × the points left; points differ, so it is a pace).
    func simulate(code: CSSCode, size: Int, position: (first: Int, total: Int, started: Date)? = nil) throws
        -> [LERPoint]
    {
        let problem = try DecodingProblem(
            code: code, noise: try PauliNoise.named(noise), rounds: roundCount(size: size))
        let engine = LogicalErrorSimulation(problem: problem, config: try config)
        let progress = ProgressLine()
        let names = decoderNames ?? QuantumDecoders.defaults(for: problem), ps = try points()
        let total = position?.total ?? names.count * ps.count, started = Date()
        let finished = FinishedPoints<LERPoint>()
        finished.exitOnInterrupt { done in done.map { QECReport.row($0, code: code.name) }.joined(separator: "\n") }
        for name in names {
            var shared: (any QuantumDecoder)?
            for (index, p) in try points().enumerated() {
                let decoder = try self.decoder(name, problem: problem, p: p, shared: &shared)
                let number = (position?.first ?? 0) + finished.count + 1
                let elapsed = Date().timeIntervalSince(position?.started ?? started)
                let pace =
                    number > 1
                    ? ", ≈ \(RunProgress.duration(elapsed / Double(number - 1) * Double(total - number + 1))) left"
                    : ""
                let onProgress: (@Sendable (LERPoint) -> Void)? =
                    progress.isEnabled
                    ? { @Sendable r in
                        progress.show(
                            String(
                                format: "point %d of %d%@: %@ %@ p=%g: %d shots, %d failures", number, total, pace,
                                code.name, r.decoder, r.p, r.shots, r.failures))
                    } : nil
                let r = try engine.run(decoder: decoder, p: p, q: q, pointIndex: index, progress: onProgress)
                progress.clear()
                finished.append(r)  // counted before it is printed (an interrupt after the row has it)
                print(QECReport.row(r, code: code.name))
                warnOfFallbacks(decoder, name: decoder.name, at: "p = \(r.p)", of: r.shots, "shots")
                fflush(nil)
            }
        }
        return finished.all
    }

    /// Decoder `name` at p. A decoder that does not take p (`neural`, `neural:FILE`) is made (loaded) once: the first
    /// call keeps it in `shared` and the later ones of the same name return it.
    func decoder(_ name: String, problem: DecodingProblem, p: Double, shared: inout (any QuantumDecoder)?) throws
        -> any QuantumDecoder
    {
        if let shared { return shared }
        let decoder = try QuantumDecoders.make(name, problem: problem, p: p, q: q)
        if QuantumDecoders.isIndependentOfP(name) { shared = decoder }
        return decoder
    }

    /// `--shard i/K`: this task's blocks of every point on each code (`sizes`: a threshold run's), written with --json
    /// for `eccbench merge`.
    func simulateShard(_ shard: BlockShard, codes: [(code: CSSCode, size: Int)], sizes: [Int]?) throws {
        let json = try files.shardFile()
        let config = try self.config, ps = try points(), noiseModel = try PauliNoise.named(noise)
        var file = QECShardFile(
            setup: QuantumSetup(runs: [], sizes: sizes, noise: noiseModel.rawValue, q: q, nonzeroOnly: nonzeroOnly),
            seed: config.seed, rule: config.stopRule, shard: shard, decoders: [], parameters: ps)
        print(
            "shard \(shard.index + 1)/\(shard.count): each point runs blocks b ≡ \(shard.index) (mod \(shard.count)) "
                + "until its share of the stop rule")
        for (code, size) in codes {
            let problem = try DecodingProblem(code: code, noise: noiseModel, rounds: roundCount(size: size))
            let engine = LogicalErrorSimulation(problem: problem, config: config)
            let names = decoderNames ?? QuantumDecoders.defaults(for: problem)
            file.setup.runs.append(.init(code: code.name, rounds: problem.rounds, decoders: names))
            for name in names {
                var shared: (any QuantumDecoder)?
                for (index, p) in ps.enumerated() {
                    let decoder = try self.decoder(name, problem: problem, p: p, shared: &shared)
                    let s = try engine.runShard(shard, decoder: decoder, p: p, q: q, pointIndex: index)
                    print("  \(code.name) \(name) at p = \(p): \(s.total.shots) shots, \(s.total.failures) failures")
                    fflush(nil)
                    file.points.append(.init(decoder: name, pointIndex: index, point: s, code: code.name))
                }
            }
        }
        try writeShardFile(file, to: json, count: shard.count)
    }

    func header(_ codes: [CSSCode]) throws -> String {
        let names = codes.map { "\($0.name) (n = \($0.n), k = \($0.k), checks \($0.hx.rows) X + \($0.hz.rows) Z)" }
        let rule = try stopRule()
        return names.joined(separator: "; ") + "\n"
            + "noise \(noise), rounds \(rounds), seed \(parallel.seed), \(workersDescription(threads: parallel.threads)); each point: at least "
            + "\(rule.minErrors) failures and \(rule.minFrames) shots, at most \(rule.maxFrames); intervals are 95% (Wilson)"
            + (rule.note.map { "\n" + $0 } ?? "")
    }

    func writeOutputs(_ runs: [(CSSCode, [LERPoint])], marks: [LogPlot.Mark] = []) throws {
        try writeOutputs(runs.map { (QECReport.Label($0.0), $0.1) }, noise: noise, marks: marks)
    }

    func writeOutputs(_ runs: [(QECReport.Label, [LERPoint])], noise: String, marks: [LogPlot.Mark] = []) throws {
        try files.writeLER(runs, config: try config, noise: noise, marks: marks)
    }
}

/// `eccbench qec [simulate]`: the logical error rate of decoders on one code.
struct QECSimulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Logical error rate against p (the default).")
    @Option(name: .long, help: "Code: toric-L, surface-d (rotated) or planar-d (default toric-4).")
    var code: String?
    @Option(
        name: .long,
        help:
            "A Stim detector error model: sample its mechanisms (each with its prior) and decode with mwpm or uf instead of a code's noise (--noise, --rounds, --q do not apply)."
    )
    var dem: String?
    @Option(
        name: .long, parsing: .unconditional,
        help: "With --dem: factors on every prior, a list '0.5,1,2' or a range 'start:stop:step' (default 1).")
    var scaleP: String?
    @OptionGroup var options: QECRunOptions

    func validate() throws {
        if dem != nil {
            guard code == nil else {
                throw ValidationError("--code and --dem: give one (the DEM is the code and noise)")
            }
            for v in try parsePoints(scaleP ?? "1", option: "--scale-p") {
                guard v.isFinite, v >= 0 else { throw ValidationError("--scale-p: \(v) is not a factor ≥ 0") }
            }
        } else {
            guard scaleP == nil else { throw ValidationError("--scale-p needs --dem") }
            _ = try QuantumCatalog.code(named: code ?? "toric-4")
        }
    }

    func run() throws {
        if let dem { return try simulate(dem: dem) }
        let name = self.code ?? "toric-4"
        let code = try QuantumCatalog.code(named: name)
        let size = QuantumCatalog.family(of: name)?.size ?? 1
        if let shard = try options.parallel.blockShard() {
            return try options.simulateShard(shard, codes: [(code, size)], sizes: nil)
        }
        print(try options.header([code]))
        print(QECReport.tableHeader)
        let results = try options.simulate(code: code, size: size)
        try options.writeOutputs([(code, results)])
    }
}

extension QECSimulate {
    /// `qec --dem F`: every decoder at every prior factor on the model's own shots.
    func simulate(dem path: String) throws {
        let model = try DetectorErrorModel(contentsOf: path)
        let names = options.decoderNames ?? DetectorErrorModelDecoder.defaults(for: model)
        let scales = try parsePoints(scaleP ?? "1", option: "--scale-p"), config = try options.config
        let engine = DetectorErrorModelSimulation(model: model, config: config)
        let makers = try names.map(engine.decoders)  // a bad name or file is refused before any shot
        let edges = model.isGraphlike ? "\(try model.matchingEdges().count) matching edges" : "not graphlike"
        let rule = try options.stopRule()
        if let shard = try options.parallel.blockShard() {
            return try simulateShard(
                shard, engine: engine, path: path, decoders: Array(zip(names, makers)), scales: scales)
        }
        print(
            "\(path): \(model.detectorCount) detectors, \(model.observableCount) observables, "
                + "\(model.columns.count) mechanisms (\(edges)); p = the factor on every prior\n"
                + "shots from eccbench's DEM sampler, seed \(config.seed), \(workersDescription(threads: config.threads)); "
                + "each point: at least \(rule.minErrors) failures and \(rule.minFrames) shots, at most \(rule.maxFrames); "
                + "intervals are 95% (Wilson)" + (rule.note.map { "\n" + $0 } ?? ""))
        print(QECReport.tableHeader)
        let progress = ProgressLine()
        var results: [LERPoint] = []
        for (name, make) in zip(names, makers) {
            for (index, scale) in scales.enumerated() {
                let onProgress: (@Sendable (LERPoint) -> Void)? =
                    progress.isEnabled
                    ? { @Sendable r in
                        progress.show(String(format: "%@ ×%g: %d shots, %d failures", name, scale, r.shots, r.failures))
                    } : nil
                let r = try engine.run(decoder: make, scale: scale, pointIndex: index, progress: onProgress)
                progress.clear()
                results.append(r)
                print(QECReport.row(r, code: URL(fileURLWithPath: path).lastPathComponent))
                fflush(nil)
            }
        }
        try options.writeOutputs([(QECReport.Label(model), results)], noise: PauliNoise.circuit.rawValue)
    }
}

extension QECSimulate {
    /// `qec --dem F --shard i/K --json S`: this shard's blocks of every (decoder, factor) point; `eccbench merge`
    /// combines the K files into the table of one process.
    func simulateShard(
        _ shard: BlockShard, engine: DetectorErrorModelSimulation, path: String,
        decoders: [(name: String, make: (DetectorErrorModel) throws -> DetectorErrorModelDecoder)], scales: [Double]
    ) throws {
        let json = try options.files.shardFile()
        let model = engine.model, config = engine.config, names = decoders.map(\.name)
        let label = URL(fileURLWithPath: path).lastPathComponent
        let run = QuantumSetup.ModelRun(
            source: path, fingerprint: model.structureFingerprint, mechanisms: model.columns.count,
            detectors: model.detectorCount, observables: model.observableCount)
        var file = QECShardFile(
            setup: QuantumSetup(
                runs: [.init(code: label, rounds: 1, decoders: names)], sizes: nil, noise: "circuit", q: nil,
                nonzeroOnly: false, dem: run),
            seed: config.seed, rule: config.stopRule, shard: shard, decoders: [], parameters: scales)
        print(
            "shard \(shard.index + 1)/\(shard.count) of \(path): each point runs blocks b ≡ \(shard.index) "
                + "(mod \(shard.count)) until its share of the stop rule")
        for (name, make) in decoders {
            for (index, scale) in scales.enumerated() {
                let s = try engine.runShard(shard, decoder: make, scale: scale, pointIndex: index)
                print("  \(label) \(name) at ×\(scale): \(s.total.shots) shots, \(s.total.failures) failures")
                fflush(nil)
                file.points.append(.init(decoder: name, pointIndex: index, point: s, code: label))
            }
        }
        try writeShardFile(file, to: json, count: shard.count)
    }
}

/// `eccbench qec threshold`: LER curves of several sizes of a family and where successive sizes cross.
struct QECThreshold: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threshold", abstract: "Threshold estimate from the crossings of successive code sizes.")
    @Option(name: .long, help: "Family: toric, surface or planar.")
    var family: String = "toric"
    @Option(name: .long, help: "Comma-separated sizes (L or d), ascending.")
    var sizes: String = "4,6,8"
    @OptionGroup var options: QECRunOptions

    var sizeList: [Int] { sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        guard sizeList.count >= 2, sizeList.count == sizes.split(separator: ",").count, sizeList == sizeList.sorted()
        else {
            throw ValidationError("--sizes '\(sizes)': give at least two ascending integers, e.g. 4,6,8")
        }
        for s in sizeList { _ = try QuantumCatalog.code(named: "\(family)-\(s)") }
    }

    func run() throws {
        let codes = try sizeList.map { try QuantumCatalog.code(named: "\(family)-\($0)") }
        try options.checkDecoders(Array(zip(codes, sizeList)).map { (code: $0.0, size: $0.1) })
        if let shard = try options.parallel.blockShard() {
            return try options.simulateShard(shard, codes: Array(zip(codes, sizeList)), sizes: sizeList)
        }
        print(try options.header(codes))
        print(QECReport.tableHeader)
        var runs: [(CSSCode, [LERPoint])] = []
        let started = Date()
        let total = try zip(codes, sizeList).reduce(0) { $0 + (try options.pointCount(code: $1.0, size: $1.1)) }
        for (code, size) in zip(codes, sizeList) {
            let position = (first: runs.flatMap(\.1).count, total: total, started: started)
            runs.append((code, try options.simulate(code: code, size: size, position: position)))
        }
        print("")
        let decoders = runs.flatMap { $0.1.map(\.decoder) }.reduce(into: [String]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        print(QECReport.crossings(runs, sizes: sizeList, decoders: decoders))
        try options.writeOutputs(runs, marks: QECReport.thresholdMarks(runs, sizes: sizeList, decoders: decoders))
    }
}

/// `eccbench qec codes`: the quantum code families.
struct QECCodes: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "codes", abstract: "List the quantum code families.")
    func run() throws {
        for f in QuantumCatalog.families { print(Report.pad(f.name, 12) + f.note) }
        print("examples: " + QuantumCatalog.examples.joined(separator: ", "))
    }
}

/// `eccbench qec code NAME [--export]`: a code's parameters, or H_X, H_Z and the logicals as 0/1 text.
struct QECCodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code", abstract: "Show a quantum code; --export prints its matrices.")
    @Argument(help: "Code name: toric-L, surface-d, planar-d.") var name: String
    @Flag(name: .long, help: "Print H_X, H_Z, the X logicals and the Z logicals as dense 0/1 rows.") var export = false
    @Option(name: .long, help: "Largest logical weight searched for the distance (exhaustive; small codes).")
    var distanceSearch = 5

    func run() throws {
        let code = try QuantumCatalog.code(named: name)
        print("\(code.name): n = \(code.n) qubits, k = \(code.k), \(code.hx.rows) X checks, \(code.hz.rows) Z checks")
        if export {
            for (title, m) in [
                ("H_X", code.hx), ("H_Z", code.hz), ("logical X", code.logicalX), ("logical Z", code.logicalZ),
            ] {
                print("# \(title): \(m.rows) × \(m.columns)")
                print(m.description)
            }
        } else if code.n <= 64 {
            let d = code.distance(maxWeight: distanceSearch)
            func show(_ x: Int?) -> String { x.map(String.init) ?? "> \(distanceSearch)" }
            print("distance: X \(show(d.x)), Z \(show(d.z)) (exhaustive search up to weight \(distanceSearch))")
        }
    }
}
