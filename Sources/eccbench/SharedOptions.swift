import ArgumentParser
import Base
import Channels
import Codes
import Foundation
import ScaleOut

/// "2 threads", or "3 ranks × 2 threads" in a job of several ranks (the counts depend on neither).
func workersDescription(threads: Int) -> String {
    let ranks = Ranks.world.size
    return (ranks > 1 ? "\(ranks) ranks × " : "") + "\(threads) thread" + (threads == 1 ? "" : "s")
        + (MPIProcessGroup.bindingNote(threads: threads).map { " (\($0))" } ?? "")
}

/// Threads and seed, shared by `eccbench` (simulate) and `eccbench qec`.
struct ParallelRunOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Worker threads (default: all cores; under mpirun, the cores shared among a node's ranks). Counts do not depend on it."
    )
    var threads: Int = MPIProcessGroup.defaultThreads
    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 1
    @Option(
        name: .long,
        help:
            "Run the i-th of K shares of every point's blocks (a job array's task, e.g. 3/8) and write them with --json; combine the K files with `eccbench merge`."
    )
    var shard: String?

    func validate() throws {
        guard (1...1024).contains(threads) else {
            throw ValidationError("--threads must be in 1...1024, got \(threads)")
        }
        _ = try blockShard()
    }

    /// The --shard share, or nil.
    func blockShard() throws -> BlockShard? {
        guard let shard else { return nil }
        do { return try BlockShard.parse(shard) } catch let e as ShardError { throw ValidationError(e.description) }
    }
}

/// The stop rule of a Monte Carlo point, shared by `eccbench` (frames, frame errors) and `eccbench qec` (shots, logical
/// failures; the same flags, or their qec spellings). A maximum below the default minimum lowers that minimum (said in
/// the header), so `--max-frames 1000` alone runs.
struct StopRuleOptions: ParsableArguments {
    @Option(
        name: [.customLong("min-errors"), .customLong("min-failures")],
        help: "Stop a point after this many errors (frame errors; qec: logical failures) once the minimum is reached.")
    var minErrors: Int?
    @Option(
        name: [.customLong("min-frames"), .customLong("min-shots")], help: "Minimum frames (qec: shots) per point.")
    var minFrames: Int?
    @Option(
        name: [.customLong("max-frames"), .customLong("max-shots")],
        help: "Maximum frames (qec: shots) per point: stops even with fewer errors.")
    var maxFrames: Int?

    /// The rule with the command's defaults, and a note when a given maximum lowered the default minimum. Throws for
    /// impossible values, naming the flags as `units` (frames or shots) spells them.
    func resolve(defaults: (minErrors: Int, minFrames: Int, maxFrames: Int), limit: Int, units: String)
        throws -> (minErrors: Int, minFrames: Int, maxFrames: Int, note: String?)
    {
        let minErrors = self.minErrors ?? defaults.minErrors
        var minFrames = self.minFrames ?? defaults.minFrames
        let maxFrames = self.maxFrames ?? max(defaults.maxFrames, minFrames)
        var note: String?
        guard minErrors >= 0 else { throw ValidationError("--min-errors must be non-negative, got \(minErrors)") }
        guard minFrames >= 1 else { throw ValidationError("--min-\(units) must be at least 1, got \(minFrames)") }
        guard maxFrames >= 1 else { throw ValidationError("--max-\(units) must be at least 1, got \(maxFrames)") }
        guard maxFrames <= limit else {
            throw ValidationError("--max-\(units) \(maxFrames) is more than the limit of \(limit) \(units) per point")
        }
        if maxFrames < minFrames {
            guard self.minFrames == nil else {
                throw ValidationError("--max-\(units) (\(maxFrames)) must be at least --min-\(units) (\(minFrames))")
            }
            note = "--max-\(units) \(maxFrames) lowers the default --min-\(units) \(minFrames) to \(maxFrames)"
            minFrames = maxFrames
        }
        return (minErrors, minFrames, maxFrames, note)
    }
}

/// Result files, shared by `eccbench` (simulate) and `eccbench qec`.
struct ResultFileOptions: ParsableArguments {
    @Option(name: .long, help: "Write the results as JSON to this file.")
    var json: String?
    @Option(name: .long, help: "Write the results as CSV to this file.")
    var csv: String?
    @Option(name: .long, help: "Write the curves as an SVG plot to this file (BER/FER, or LER against p for qec).")
    var plot: String?

    func validate() throws { try checkOutputs(["--json": json, "--csv": csv, "--plot": plot]) }

    /// The file a `--shard` task writes: --json, and no --csv or --plot (merge writes those).
    func shardFile() throws -> String {
        guard let json, csv == nil, plot == nil else {
            throw ValidationError("--shard writes its blocks with --json FILE (no --csv or --plot: merge writes them)")
        }
        return json
    }
}

/// Every curve needs its own label: two decoders reported under one name would be joined into one line of a plot.
func checkDistinctLabels(_ labels: [String]) throws {
    var seen = Set<String>()
    for label in labels where !seen.insert(label.lowercased()).inserted {
        throw ValidationError(
            "--decoders: two decoders are labelled '\(label)'; give one a label of its own, e.g. \(label)-2=…")
    }
}

/// Prints a warning under a table row when the decoder decoded some of the point's frames or shots by a fallback
/// (a neural decoder whose outputs were not finite), so they are not passed off as decoded.
func warnOfFallbacks(_ decoder: Any, name: String, at point: String, of total: Int, _ unit: String) {
    guard let reporting = decoder as? FallbackReporting else { return }
    let (count, reason) = reporting.takeFallbacks()
    if count > 0 { print("  warning: \(name) at \(point): \(count) of \(total) \(unit): \(reason)") }
}
