import ArgumentParser
import Base
import Codes
import Decoders
import ECCT
import Foundation
import Neural
import ScaleOut

/// `eccbench dataset`: a fixed training set of zero-codeword samples labelled by the truth or by a decoder.
struct Dataset: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract:
            "Write a fixed ECCT training set: channel outputs and the flips a label decoder (e.g. osd3, near ML) decides.",
        discussion: """
            Example: eccbench dataset --code BCH-63-45 --ebn0 2 --size 4M --labels osd3 --out bch-ml
            Then:    eccbench train --code BCH-63-45 --data bch-ml --out model.safetensors
            """)

    @Option(name: .long, help: "Code name or H file.")
    var code: String
    @OptionGroup var form: ParityCheckFormOptions
    @Option(
        name: .long, parsing: .unconditional,
        help: "Eb/N0 in dB: one value (the data-centric recipe's) or a list, one drawn per sample.")
    var ebn0: String = "2"
    @Option(name: .long, help: "Samples: a count, or with k / M (4M = 4,000,000).")
    var size: String
    @Option(
        name: .long, help: "Labels: truth (the channel's flips) or a decoder that returns codewords (osd3, osd2, …).")
    var labels: String = "osd2"
    @Option(name: .long, help: "Output folder (created; shards and dataset.json are written atomically).")
    var out: String
    @Flag(name: .long, help: "Redraw samples whose hard decision already satisfies every check.")
    var rejectZeroSyndrome = false
    @Option(name: .long, help: "Samples per shard file.")
    var shardSize: Int = 1 << 16
    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 1
    @Option(name: .long, help: "Worker threads (default: all cores). The data does not depend on it.")
    var threads: Int = MPIProcessGroup.defaultThreads

    func validate() throws {
        _ = try count()
        _ = try parsePoints(ebn0, option: "--ebn0", maxPoints: 64)
        guard (1...1024).contains(threads) else { throw ValidationError("--threads must be in 1…1024, got \(threads)") }
        guard (1...(1 << 24)).contains(shardSize) else { throw ValidationError("--shard-size must be in 1…16777216") }
        // the folder may not exist yet: then it must be creatable where it is named
        try checkOutputs(["--out": FileManager.default.fileExists(atPath: out) ? out + "/dataset.json" : out])
    }

    /// The sample count of --size.
    func count() throws -> Int {
        let t = size.trimmingCharacters(in: .whitespaces)
        let factor = t.hasSuffix("M") ? 1_000_000 : t.lowercased().hasSuffix("k") ? 1_000 : 1
        guard let v = Int(factor == 1 ? t : String(t.dropLast())), v >= 1 else {
            throw ValidationError("--size '\(size)' is not a count such as 100000, 500k or 4M")
        }
        let (c, overflow) = v.multipliedReportingOverflow(by: factor)
        guard !overflow, c <= ECCTDataset.maxSamples else {
            throw ValidationError("--size \(size) is more than \(ECCTDataset.maxSamples) samples")
        }
        return c
    }

    func run() throws {
        let code = try loadCode(code, standardize: form.standardize)
        let samples = try count(), points = try parsePoints(ebn0, option: "--ebn0", maxPoints: 64)
        let label: (any Decoder)? = labels.lowercased() == "truth" ? nil : try DecoderCatalog.make(labels, code: code)
        // every rank creates it (idempotent), after every rank has checked --out
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        print(
            "dataset \(code.name) (\(code.parityCheckForm)): \(samples) samples at Eb/N0 \(ebn0) dB, labels \(labels)"
                + (rejectZeroSyndrome ? ", zero-syndrome samples redrawn" : "")
                + ", seed \(seed), \(workersDescription(threads: threads))")
        try ECCTDataset.checkMemory(samples: samples, n: code.n)
        if let label { try checkLabellingTime(code: code, label: label, samples: samples, points: points) }
        fflush(nil)
        let bar = ProgressBar(total: samples, unit: "samples")
        let data = try ECCTDataset.generate(
            code: code, ebN0: points, samples: samples, label: label, labelName: labels.lowercased(),
            seed: seed, rejectZeroSyndrome: rejectZeroSyndrome, threads: threads,
            progress: { bar.show($0) })
        bar.clear()
        try data.write(to: out, shardSize: shardSize)
        let m = data.manifest
        print(
            String(
                format: "%d samples in %.1f s = %.0f samples/s; labels differ from the truth on %d samples (%.4f%%)",
                samples, m.secondsToGenerate, Double(samples) / max(m.secondsToGenerate, 1e-9),
                m.labelsDifferingFromTruth,
                100 * Double(m.labelsDifferingFromTruth) / Double(samples)))
        print("wrote \(out)/dataset.json and \((samples + shardSize - 1) / shardSize) shards")
    }
}

extension Dataset {
    /// The longest labelling run `dataset` starts (30 days at the measured pace).
    static let maxLabellingSeconds = 30 * 86_400.0

    /// Times the label decoder on a few samples (one thread), prints the expected time of the whole run, and refuses a
    /// run that would take longer than `maxLabellingSeconds` (an OSD order whose test patterns are too many for k).
    func checkLabellingTime(code: LinearCode, label: any Decoder, samples: Int, points: [Double]) throws {
        let probe = min(samples, 16)
        let started = Date()
        _ = try ECCTDataset.generate(
            code: code, ebN0: points, samples: probe, label: label, labelName: labels, seed: seed,
            rejectZeroSyndrome: rejectZeroSyndrome, threads: 1)
        // the ranks' mean time, so that every rank of a job takes the same decision
        let group = Ranks.world
        let nanoseconds = group.sum([Int(Date().timeIntervalSince(started) * 1e9 / Double(probe))])[0]
        let perSample = Double(nanoseconds) / 1e9 / Double(group.size)
        let expected = perSample * Double(samples) / Double(threads * group.size)
        print(
            "labels \(labels): \(String(format: "%.3g", perSample * 1000)) ms a sample on one thread, about "
                + "\(RunProgress.duration(expected)) for \(samples) samples on \(workersDescription(threads: threads))")
        guard expected <= Dataset.maxLabellingSeconds else {
            throw ValidationError(
                "--labels \(labels) on \(code.name) would take about \(RunProgress.duration(expected)) for \(samples) "
                    + "samples (more than 30 days): use a lower OSD order, fewer samples or --labels truth")
        }
    }
}

/// A progress bar on stderr when it is a terminal, redrawn at most five times a second.
final class ProgressBar: @unchecked Sendable {
    let total: Int
    let unit: String
    let isTerminal = isatty(2) == 1
    private var last = Date.distantPast
    private let started = Date()
    private let lock = NSLock()
    init(total: Int, unit: String) { self.total = total; self.unit = unit }

    func show(_ done: Int) {
        guard isTerminal else { return }
        lock.lock(); defer { lock.unlock() }
        guard Date().timeIntervalSince(last) > 0.2 || done == total else { return }
        last = Date()
        let width = 30, filled = width * done / max(1, total)
        let elapsed = last.timeIntervalSince(started)
        let left = done > 0 ? elapsed * Double(total - done) / Double(done) : .infinity
        let line =
            "\r  " + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            + " \(done)/\(total) \(unit), \(RunProgress.duration(left)) left "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func clear() { if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
}
