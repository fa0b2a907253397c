import Codes
import Foundation
import QECC

/// Text, JSON, CSV and SVG renderings of logical error rates.
enum QECReport {
    static let tableHeader =
        Report.pad("code", 11) + Report.pad("decoder", 8) + Report.pad("p", 8, right: true)
        + Report.pad("T", 4, right: true) + Report.pad("shots", 10, right: true) + Report.pad("fail", 8, right: true)
        + "  "
        + Report.pad("LER [95% CI]", 31) + "shots/s"

    static func row(_ r: LERPoint, code: String) -> String {
        let i = r.lerInterval
        return Report.pad(code + " ", 11) + Report.pad(r.decoder + " ", 8)
            + Report.pad(String(format: "%g", r.p), 8, right: true)
            + Report.pad(String(r.rounds), 4, right: true) + Report.pad(String(r.shots), 10, right: true)
            + Report.pad(String(r.failures), 8, right: true) + "  "
            + Report.pad(String(format: "%.3e [%.2e, %.2e]", r.ler, i.lower, i.upper), 31)
            + String(format: "%.0f", r.shotsPerSecond)
    }

    static func crossings(_ runs: [(CSSCode, [LERPoint])], sizes: [Int], decoders: [String]) -> String {
        var lines = [
            "threshold: crossings of successive sizes (linear interpolation of LER_large − LER_small; 95% interval)"
        ]
        for decoder in decoders {
            var last: Crossing?
            for (i, c) in zip(1..., pairCrossings(runs, sizes: sizes, decoder: decoder)) {
                let text =
                    c.p.map { p in
                        String(format: "%.4f [%.4f, %.4f]", p, c.interval!.lower, c.interval!.upper)
                    } ?? "no crossing inside the p grid"
                lines.append("  \(Report.pad(decoder, 6)) \(sizes[i - 1]) / \(sizes[i]): \(text)")
                if c.p != nil { last = c }
            }
            if let last, let p = last.p {
                lines.append(
                    "  \(Report.pad(decoder, 6)) estimate (largest pair that crosses, \(last.small)/\(last.large)): "
                        + String(format: "%.4f", p))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The crossing of each pair of successive sizes for one decoder.
    static func pairCrossings(_ runs: [(CSSCode, [LERPoint])], sizes: [Int], decoder: String) -> [Crossing] {
        (1..<runs.count).map { i in
            Crossing.estimate(
                small: runs[i - 1].1.filter { $0.decoder == decoder },
                large: runs[i].1.filter { $0.decoder == decoder },
                sizes: (sizes[i - 1], sizes[i]), decoder: decoder)
        }
    }

    /// The threshold estimate of each decoder (the crossing of the largest pair of sizes that cross), as plot marks.
    static func thresholdMarks(_ runs: [(CSSCode, [LERPoint])], sizes: [Int], decoders: [String]) -> [LogPlot.Mark] {
        decoders.compactMap { decoder in
            pairCrossings(runs, sizes: sizes, decoder: decoder).last { $0.p != nil }?.p.map {
                LogPlot.Mark(x: $0, label: "\(decoder) threshold " + String(format: "%.4f", $0))
            }
        }
    }

    /// What the JSON, CSV and plot say about a run's code: a CSS code, or a detector error model (n = its merged
    /// mechanisms, k = its observables, checks = its detectors).
    struct Label {
        let name: String, n: Int, k: Int, checks: Int
        init(name: String, n: Int, k: Int, checks: Int) {
            (self.name, self.n, self.k, self.checks) = (name, n, k, checks)
        }
        init(_ code: CSSCode) { (name, n, k, checks) = (code.name, code.n, code.k, code.hx.rows + code.hz.rows) }
        init(_ model: DetectorErrorModel) {
            (name, n, k, checks) = (
                model.source, model.columns.count, model.observableCount, model.detectorCount
            )
        }
    }

    static func json(_ runs: [(Label, [LERPoint])], config: LERConfig) throws -> String {
        func num(_ x: Double) -> Any { x.isFinite ? x : NSNull() }
        func point(_ r: LERPoint) -> [String: Any] {
            var d: [String: Any] = [
                "decoder": r.decoder, "noise": r.noise.rawValue, "p": r.p, "q": r.q, "rounds": r.rounds,
            ]
            d["shots"] = r.shots
            d["failures"] = r.failures
            d["ler"] = num(r.ler)
            d["ler_ci"] = [num(r.lerInterval.lower), num(r.lerInterval.upper)]
            d["seconds"] = r.seconds
            d["shots_per_second"] = r.shotsPerSecond
            return d
        }
        func entry(_ code: Label, _ points: [LERPoint]) -> [String: Any] {
            let header: [String: Any] = ["name": code.name, "n": code.n, "k": code.k, "checks": code.checks]
            return ["code": header, "points": points.map(point)]
        }
        let entries: [[String: Any]] = runs.map { entry($0.0, $0.1) }
        var object: [String: Any] = entries.count == 1 ? entries[0] : ["runs": entries]
        object["eccbench_version"] = ECCBench.version
        object["seed"] = config.seed
        object["stop_rule"] = [
            "min_failures": config.minFailures, "min_shots": config.minShots, "max_shots": config.maxShots,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func csv(_ runs: [(Label, [LERPoint])]) -> String {
        var lines = ["code,n,k,decoder,noise,p,q,rounds,shots,failures,ler,ler_lo,ler_hi,seconds,shots_per_second"]
        for (code, points) in runs {
            for r in points {
                let i = r.lerInterval
                lines.append(
                    [
                        code.name, String(code.n), String(code.k), r.decoder, r.noise.rawValue, String(r.p),
                        String(r.q),
                        String(r.rounds), String(r.shots), String(r.failures), String(r.ler), String(i.lower),
                        String(i.upper), String(r.seconds), String(r.shotsPerSecond),
                    ].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// LER against p (a detector error model's points, noise "circuit": against the factor on its priors), log-scale y,
    /// one line per code and decoder.
    static func svg(_ runs: [(Label, [LERPoint])], noise: String, marks: [LogPlot.Mark] = []) -> String {
        let xLabel =
            noise == PauliNoise.circuit.rawValue ? "factor on every prior (--scale-p)" : "physical error rate p"
        var series: [LogPlot.Series] = []
        for (code, points) in runs {
            let decoders = points.map(\.decoder).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            for d in decoders {
                series.append(
                    LogPlot.Series(
                        label: "\(code.name) \(d)",
                        points: points.filter { $0.decoder == d && $0.shots > 0 }.map { r in
                            LogPlot.Point(x: r.p, value: r.ler, lower: r.lerInterval.lower, upper: r.lerInterval.upper)
                        }, dashed: d == "uf"))
            }
        }
        let panel = LogPlot(
            title: "LER", xLabel: xLabel, yLabel: "logical error rate", series: series, marks: marks)
        return LogPlot.document(title: "Logical error rate, \(noise) noise", panels: [panel])
    }

}

extension ResultFileOptions {
    /// A qec run's (or merge's) --json, --csv and --plot files, each written atomically when asked for.
    func writeLER(
        _ runs: [(QECReport.Label, [LERPoint])], config: LERConfig, noise: String, marks: [LogPlot.Mark] = []
    ) throws {
        if let json { try CodeFiles.writeAtomically(try QECReport.json(runs, config: config), to: json) }
        if let csv { try CodeFiles.writeAtomically(QECReport.csv(runs), to: csv) }
        if let plot { try CodeFiles.writeAtomically(QECReport.svg(runs, noise: noise, marks: marks), to: plot) }
    }
}
