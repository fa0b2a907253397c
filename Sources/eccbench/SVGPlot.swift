import Channels
import Codes
import Foundation

/// BER and FER against the operating point, log-scale y, one polyline per decoder, as a standalone SVG.
enum SVGPlot {
    static let colors = [
        "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
    ]

    static func render(_ results: [PointResult], code: LinearCode, channel: ChannelModel) -> String {
        let decoders = results.map(\.decoder).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let panelW = 420.0, panelH = 320.0, margin = 60.0, width = 2 * panelW + 3 * margin,
            height = panelH + 2 * margin + 30
        let xs = results.map(\.parameter)
        let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, (xs.min() ?? 0) + 1e-9)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="22" text-anchor="middle" font-size="15">\(escape(code.name)) (n=\(code.n), k=\(code.k)), \(channel.rawValue.uppercased())</text>

            """
        for (panel, metric) in ["BER", "FER"].enumerated() {
            let values = results.map { metric == "BER" ? $0.ber : $0.fer }.filter { $0 > 0 && $0.isFinite }
            let lo = floor(log10(values.min() ?? 1e-6)), hi = max(ceil(log10(values.max() ?? 1)), lo + 1)
            let x0 = margin + Double(panel) * (panelW + margin), y0 = margin
            func px(_ x: Double) -> Double { x0 + (x - xMin) / (xMax - xMin) * panelW }
            func py(_ v: Double) -> Double { y0 + (hi - log10(v)) / (hi - lo) * panelH }
            svg +=
                "<rect x=\"\(x0)\" y=\"\(y0)\" width=\"\(panelW)\" height=\"\(panelH)\" fill=\"none\" stroke=\"black\"/>\n"
            for e in stride(from: lo, through: hi, by: 1) {
                let y = py(pow(10, e))
                svg += "<line x1=\"\(x0)\" y1=\"\(y)\" x2=\"\(x0 + panelW)\" y2=\"\(y)\" stroke=\"#ddd\"/>"
                svg += "<text x=\"\(x0 - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">1e\(Int(e))</text>\n"
            }
            for x in Array(Set(xs)).sorted() {
                svg +=
                    "<text x=\"\(px(x))\" y=\"\(y0 + panelH + 16)\" text-anchor=\"middle\">\(String(format: "%g", x))</text>\n"
            }
            let xLabel = channel == .awgn ? "Eb/N0 (dB)" : channel.parameterName
            svg += "<text x=\"\(x0 + panelW / 2)\" y=\"\(y0 + panelH + 36)\" text-anchor=\"middle\">\(xLabel)</text>\n"
            svg +=
                "<text x=\"\(x0 + panelW / 2)\" y=\"\(y0 - 8)\" text-anchor=\"middle\" font-weight=\"bold\">\(metric)</text>\n"
            for (i, d) in decoders.enumerated() {
                let pts = results.filter { $0.decoder == d }.sorted { $0.parameter < $1.parameter }
                    .compactMap { r -> (Double, Double)? in
                        let v = metric == "BER" ? r.ber : r.fer
                        return v > 0 && v.isFinite ? (px(r.parameter), py(v)) : nil
                    }
                let color = colors[i % colors.count]
                let path = pts.map { String(format: "%.1f,%.1f", $0.0, $0.1) }.joined(separator: " ")
                svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
                for p in pts {
                    svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"/>", p.0, p.1, color)
                }
                if panel == 1 {  // legend in the lower left, where falling curves leave room
                    let ly = y0 + panelH - 10 - Double(decoders.count - 1 - i) * 16
                    svg +=
                        "<line x1=\"\(x0 + 10)\" y1=\"\(ly - 4)\" x2=\"\(x0 + 30)\" y2=\"\(ly - 4)\" stroke=\"\(color)\" stroke-width=\"2\"/>"
                    svg += "<text x=\"\(x0 + 36)\" y=\"\(ly)\">\(escape(d))</text>\n"
                }
            }
        }
        return svg + "</svg>\n"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}
