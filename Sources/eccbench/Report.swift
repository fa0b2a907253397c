import Channels
import Codes
import Foundation

/// Text, JSON and CSV renderings of simulation results.
struct Report {
    let code: LinearCode
    let channel: ChannelModel
    let config: MonteCarloConfig

    func header() -> String {
        """
        \(code.name): n = \(code.n), k = \(code.k), m = \(code.m) checks (rate \(String(format: "%.4f", code.rate)), \(code.parityCheckForm)); \
        \(channel.rawValue.uppercased()), random codewords, seed \(config.seed), \(workersDescription(threads: config.threads))
        each point: at least \(config.minErrors) frame errors and \(config.minFrames) frames, at most \(config.maxFrames) frames; \
        intervals are 95%
        """
    }

    static func tableHeader(_ channel: ChannelModel) -> String {
        let x = channel == .awgn ? "Eb/N0" : channel.parameterName
        return pad("decoder", 8) + pad(x, 7, right: true) + pad("frames", 10, right: true)
            + pad("f.err", 7, right: true)
            + "  " + pad("FER [95% CI]", 31) + pad("BER", 10) + pad("-ln(BER) [95% CI]", 22) + pad("ML-lower FER", 13)
            + "frames/s"
    }

    static func row(_ r: PointResult) -> String {
        let fi = r.ferInterval, li = r.negLnBERInterval
        return pad(r.decoder, 8) + pad(String(format: "%g", r.parameter), 7, right: true)
            + pad(String(r.frames), 10, right: true) + pad(String(r.frameErrors), 7, right: true) + "  "
            + pad(String(format: "%.3e [%.2e, %.2e]", r.fer, fi.lower, fi.upper), 31)
            + pad(String(format: "%.3e", r.ber), 10)
            + pad(String(format: "%5.2f [%@, %@]", r.negLnBER, fmt2(li.lower), fmt2(li.upper)), 22)
            + pad(String(format: "%.2e", r.mlLowerFER), 13)
            + String(format: "%.0f", r.framesPerSecond)
    }

    /// The papers' table: −ln(BER) per decoder and point, with the FER below.
    func summary(_ results: [PointResult], points: [Double]) -> String {
        let decoders = results.map(\.decoder).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let unit = channel == .awgn ? " dB" : ""
        let columns = points.map { String(format: "%g", $0) + unit }
        var lines = [Report.pad("-ln(BER)", 10) + columns.map { Report.pad($0, 10, right: true) }.joined()]
        for d in decoders {
            let row = points.map { p -> String in
                guard let r = results.first(where: { $0.decoder == d && $0.parameter == p }) else { return "" }
                return r.bitErrors > 0
                    ? String(format: "%.2f", r.negLnBER) : String(format: ">%.2f", r.negLnBERInterval.lower)
            }
            lines.append(Report.pad(d, 10) + row.map { Report.pad($0, 10, right: true) }.joined())
        }
        lines.append("")
        lines.append(Report.pad("FER", 10) + columns.map { Report.pad($0, 10, right: true) }.joined())
        for d in decoders {
            let row = points.map { p -> String in
                guard let r = results.first(where: { $0.decoder == d && $0.parameter == p }) else { return "" }
                return String(format: "%.2e", r.fer)
            }
            lines.append(Report.pad(d, 10) + row.map { Report.pad($0, 10, right: true) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    func json(_ results: [PointResult]) throws -> String {
        func num(_ x: Double) -> Any { x.isFinite ? x : NSNull() }
        let points: [[String: Any]] = results.map { r in
            var d: [String: Any] = [
                "decoder": r.decoder, "channel": r.channel.rawValue,
                "frames": r.frames, "frame_errors": r.frameErrors, "bit_errors": r.bitErrors,
                "ber": num(r.ber), "fer": num(r.fer), "neg_ln_ber": num(r.negLnBER),
                "ml_lower_fer": num(r.mlLowerFER), "ml_lower_frame_errors": r.mlErrors,
                "seconds": r.seconds, "frames_per_second": r.framesPerSecond,
                "ber_ci": [num(r.berInterval.lower), num(r.berInterval.upper)],
                "fer_ci": [num(r.ferInterval.lower), num(r.ferInterval.upper)],
                "neg_ln_ber_ci": [num(r.negLnBERInterval.lower), num(r.negLnBERInterval.upper)],
            ]
            d[r.channel.parameterName] = r.parameter
            if r.channel != .awgn { d["ebn0"] = NSNull() }
            return d
        }
        let object: [String: Any] = [
            "code": [
                "name": code.name, "n": code.n, "k": code.k, "m": code.m,
                "parity_check": code.parityCheckFormKey,
            ],
            "seed": config.seed, "min_errors": config.minErrors, "min_frames": config.minFrames,
            "max_frames": config.maxFrames, "points": points, "eccbench_version": ECCBench.version,
            "threads": config.threads,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    func csv(_ results: [PointResult]) -> String {
        var lines = [
            "code,decoder,channel,\(channel.parameterName),frames,frame_errors,bit_errors,ber,ber_lo,ber_hi,fer,fer_lo,fer_hi,neg_ln_ber,ml_lower_fer,seconds,frames_per_second"
        ]
        for r in results {
            let b = r.berInterval, f = r.ferInterval
            let fields: [String] =
                [
                    code.name, r.decoder, r.channel.rawValue, String(r.parameter), String(r.frames),
                    String(r.frameErrors), String(r.bitErrors),
                ]
                + [
                    r.ber, b.lower, b.upper, r.fer, f.lower, f.upper, r.negLnBER, r.mlLowerFER, r.seconds,
                    r.framesPerSecond,
                ]
                .map { $0.isFinite ? String($0) : "" }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s + " " : s + fill
    }
}

private func fmt2(_ x: Double) -> String { x.isFinite ? String(format: "%.2f", x) : "inf" }
