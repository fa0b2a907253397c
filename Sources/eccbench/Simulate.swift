import ArgumentParser
import Channels
import Codes
import Decoders
import Foundation
import Neural

/// `eccbench simulate` (the default): Monte Carlo BER/FER of decoders over a range of operating points.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate decoders on a code (the default command).")

    @Option(name: .long, help: "Code name (BCH-63-45, POLAR-64-32, …) or a path to an .alist / dense .txt H file.")
    var code: String = "BCH-63-45"
    @OptionGroup var form: ParityCheckFormOptions

    @Option(
        name: .long,
        help:
            "Comma-separated decoders (bp50,osd2,bm,…). Default: bp5,bp50,osd2, plus bm for BCH, sc,scl8 for polar codes, ecct / aecct when a trained model ships for the code, and dc-ecct for a shipped learned code."
    )
    var decoders: String?

    @Option(name: .long, help: "Channel: awgn, bsc or bec.")
    var channel: String = "awgn"

    @Option(
        name: .long, parsing: .unconditional,
        help:
            "Eb/N0 points in dB for AWGN: a list '4,5,6' or a range 'start:stop:step' ('3:7:0.5'); negative values work ('-2:2:1')."
    )
    var ebn0: String = "4,5,6"

    @Option(
        name: .long, parsing: .unconditional,
        help: "Crossover (BSC) or erasure (BEC) probabilities, list or range ('0.01,0.02').")
    var p: String?

    @OptionGroup var stop: StopRuleOptions
    @OptionGroup var parallel: ParallelRunOptions

    @Flag(name: .long, help: "Draw AWGN with the scalar reference generator (libm Box–Muller) instead of the SIMD one.")
    var referenceNoise = false

    @OptionGroup var files: ResultFileOptions

    /// Most frames per point: frames · n bits stay below 2^63 for every code the catalog allows.
    static let frameLimit = 1 << 46

    func validate() throws {
        _ = try stopRule()
        if parallel.shard != nil { _ = try files.shardFile() }
        guard let model = ChannelModel(rawValue: channel.lowercased()) else {
            throw ValidationError("--channel '\(channel)' is not one of awgn, bsc, bec")
        }
        let values = try points(for: model)
        for v in values { if let problem = model.validate(v) { throw ValidationError(problem) } }
        if let decoders, decoderNames(decoders).isEmpty { throw ValidationError("--decoders is empty") }
    }

    /// The stop rule: at least 200 frame errors and 20,000 frames, at most 1,000,000 frames, unless given.
    func stopRule() throws -> (minErrors: Int, minFrames: Int, maxFrames: Int, note: String?) {
        try stop.resolve(defaults: (200, 20_000, 1_000_000), limit: Self.frameLimit, units: "frames")
    }

    func points(for model: ChannelModel) throws -> [Double] {
        if model == .awgn {
            guard p == nil else { throw ValidationError("--p is for the BSC and BEC channels; use --ebn0 with awgn") }
            return try parsePoints(ebn0, option: "--ebn0")
        }
        guard let p else { throw ValidationError("--channel \(model.rawValue) needs --p (e.g. --p 0.01,0.02)") }
        return try parsePoints(p, option: "--p")
    }

    func decoderNames(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() throws {
        let model = ChannelModel(rawValue: channel.lowercased())!
        let values = try points(for: model)
        let code = try loadCode(self.code, standardize: form.standardize)
        let names = decoders.map(decoderNames) ?? DecoderCatalog.defaults(for: code)
        let decs = try names.map { try DecoderCatalog.make($0, code: code) }
        try checkDistinctLabels(decs.map(\.name))
        let rule = try stopRule()
        var config = MonteCarloConfig()
        config.stopRule = StopRule(rule, blockSize: config.blockSize)
        config.threads = parallel.threads; config.seed = parallel.seed; config.referenceNoise = referenceNoise
        if let shard = try parallel.blockShard() {
            return try runShard(
                shard, MonteCarlo(code: code, config: config), decoders: decs, channel: model, parameters: values)
        }
        let engine = MonteCarlo(code: code, config: config)
        let report = Report(code: code, channel: model, config: config)
        print(report.header())
        let gated = decs.filter { ($0 as? any CodewordGating)?.gatesCodewords == true }.map(\.name)
        if !gated.isEmpty {
            print(
                "trained on words with a non-zero syndrome only: \(gated.joined(separator: ", ")) (a word whose hard "
                    + "decision is a codeword skips the network, as in SBND's protocol)")
        }
        if let note = rule.note { print(note) }
        print(Report.tableHeader(model))
        fflush(nil)
        let finished = FinishedPoints<PointResult>()
        finished.exitOnInterrupt { [report] done in report.summary(done, points: values) }
        let progress = ProgressLine()
        var onProgress: (@Sendable (PointResult) -> Void)?
        if progress.isEnabled { onProgress = { @Sendable r in progress.show(r) } }
        for dec in decs {
            for (index, value) in values.enumerated() {
                let r = engine.run(
                    decoder: dec, channel: model, parameter: value, pointIndex: index, progress: onProgress)
                progress.clear()
                // counted before it is printed: an interrupt after the row has it in the summary
                finished.append(r)
                print(Report.row(r))
                warnOfFallbacks(dec, name: dec.name, at: "\(r.parameter)", of: r.frames, "frames")
                fflush(nil)
            }
        }
        print("")
        let results = finished.all
        print(report.summary(results, points: values))
        if let json = files.json { try write(report.json(results), to: json) }
        if let csv = files.csv { try write(report.csv(results), to: csv) }
        if let plot = files.plot { try write(SVGPlot.render(results, code: code, channel: model), to: plot) }
    }

    /// `--shard i/K`: this task's blocks of every point, written with --json for `eccbench merge`.
    func runShard(
        _ shard: BlockShard, _ engine: MonteCarlo, decoders: [any Decoder], channel: ChannelModel, parameters: [Double]
    ) throws {
        let json = try files.shardFile(), config = engine.config
        var file = ClassicalShardFile(
            setup: ClassicalSetup(
                code: self.code, standardize: form.standardize, channel: channel.rawValue,
                referenceNoise: config.referenceNoise),
            seed: config.seed, rule: config.stopRule, shard: shard, decoders: decoders.map(\.name),
            parameters: parameters)
        print(
            "shard \(shard.index + 1)/\(shard.count) of \(engine.code.name): each point runs blocks b ≡ \(shard.index) "
                + "(mod \(shard.count)) until its share of the stop rule")
        for dec in decoders {
            for (index, value) in parameters.enumerated() {
                let s = engine.runShard(shard, decoder: dec, channel: channel, parameter: value, pointIndex: index)
                print("  \(dec.name) at \(value): \(s.total.frames) frames, \(s.total.frameErrors) frame errors")
                fflush(nil)
                file.points.append(ClassicalShardFile.Entry(decoder: dec.name, pointIndex: index, point: s))
            }
        }
        try writeShardFile(file, to: json, count: shard.count)
    }

    func write(_ text: String, to path: String) throws {
        try CodeFiles.writeAtomically(text, to: path)
    }
}

/// Parse "4,5,6" or "3:7:0.5" (inclusive of the end, within rounding), at most `maxPoints` values. Numbers are
/// decimal (`-5`, `2.5`, `1e-3`); hexadecimal, `inf` and `nan` are rejected.
func parsePoints(_ text: String, option: String, maxPoints: Int = 1000) throws -> [Double] {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.contains(":") {
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false).map {
            decimal($0.trimmingCharacters(in: .whitespaces))
        }
        guard parts.count == 3, let a = parts[0], let b = parts[1], let s = parts[2] else {
            throw ValidationError("\(option) '\(text)': a range is start:stop:step of decimal numbers, e.g. 3:7:0.5")
        }
        guard s > 0, b >= a else { throw ValidationError("\(option) '\(text)': need step > 0 and stop ≥ start") }
        let span = ((b - a) / s + 1e-9).rounded(.down)
        guard span.isFinite, span < Double(maxPoints) else {
            throw ValidationError(
                "\(option) '\(text)': \(span.isFinite ? String(format: "%.0f", span + 1) : "too many") points "
                    + "(at most \(maxPoints))")
        }
        // clean decimals: 0.05 + 1·0.025 is 0.075, not 0.07500000000000001
        return (0...Int(span)).map { Double(String(format: "%.12g", a + Double($0) * s))! }
    }
    var out: [Double] = []
    for token in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
        let t = token.trimmingCharacters(in: .whitespaces)
        guard let v = decimal(t) else {
            let looksLikeRange = t.range(of: #"^-?[0-9.]+-[0-9.]+$"#, options: .regularExpression) != nil
            throw ValidationError(
                "\(option): '\(t)' is not a decimal number"
                    + (looksLikeRange || t.contains("..") || t.contains("–")
                        ? "; a range is start:stop:step, e.g. \(option) 4:6:1 (or a list: 4,5,6)" : ""))
        }
        out.append(v)
    }
    guard !out.isEmpty else { throw ValidationError("\(option) is empty") }
    guard out.count <= maxPoints else { throw ValidationError("\(option): \(out.count) points (at most \(maxPoints))") }
    return out
}

/// A finite decimal number: optional sign, digits with an optional fraction, optional exponent.
func decimal(_ t: String) -> Double? {
    guard t.range(of: #"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil,
        let v = Double(t), v.isFinite
    else { return nil }
    return v
}

/// A one-line progress display on stderr, only when stderr is a terminal.
final class ProgressLine: @unchecked Sendable {
    let isEnabled = isatty(2) == 1
    private let lock = NSLock()
    private var last = Date.distantPast

    func show(_ r: PointResult) {
        show(
            String(
                format: "%@ %@=%g: %d frames, %d frame errors, BER %.3e",
                r.decoder, r.channel.parameterName, r.parameter, r.frames, r.frameErrors, r.ber))
    }

    /// Show one line of progress (at most five times a second).
    func show(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        guard Date().timeIntervalSince(last) > 0.2 else { return }
        last = Date()
        FileHandle.standardError.write(Data("\r  \(text)   ".utf8))
    }

    func clear() {
        guard isEnabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
