import Channels
import Codes
import Foundation

/// BER and FER against the operating point (`LogPlot` panels: 95% bars, zero-error points as upper bounds).
enum SVGPlot {
    static let colors = [
        "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
    ]

    static func render(_ results: [PointResult], code: LinearCode, channel: ChannelModel) -> String {
        let decoders = results.map(\.decoder).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let xLabel = channel == .awgn ? "Eb/N0 (dB)" : channel.parameterName
        let panels = ["BER", "FER"].map { metric in
            LogPlot(
                title: metric, xLabel: xLabel, yLabel: metric == "BER" ? "bit error rate" : "frame error rate",
                series: decoders.map { d in
                    LogPlot.Series(
                        label: d,
                        points: results.filter { $0.decoder == d && $0.frames > 0 }.map { r in
                            // no bit errors: BER ≤ FER, so the FER's Wilson bound bounds it
                            let i = metric == "FER" || r.bitErrors == 0 ? r.ferInterval : r.berInterval
                            return LogPlot.Point(
                                x: r.parameter, value: metric == "BER" ? r.ber : r.fer, lower: i.lower, upper: i.upper)
                        })
                })
        }
        return LogPlot.document(
            title: "\(code.name) (n=\(code.n), k=\(code.k)), \(channel.rawValue.uppercased())", panels: panels)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}
