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
        return Report.pad(code, 11) + Report.pad(r.decoder, 8) + Report.pad(String(format: "%g", r.p), 8, right: true)
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
            for i in 1..<runs.count {
                let c = Crossing.estimate(
                    small: runs[i - 1].1.filter { $0.decoder == decoder },
                    large: runs[i].1.filter { $0.decoder == decoder },
                    sizes: (sizes[i - 1], sizes[i]), decoder: decoder)
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

    static func json(_ runs: [(CSSCode, [LERPoint])]) throws -> String {
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
        func entry(_ code: CSSCode, _ points: [LERPoint]) -> [String: Any] {
            let header: [String: Any] = [
                "name": code.name, "n": code.n, "k": code.k, "checks": code.hx.rows + code.hz.rows,
            ]
            return ["code": header, "points": points.map(point)]
        }
        let entries: [[String: Any]] = runs.map { entry($0.0, $0.1) }
        let object: [String: Any] = entries.count == 1 ? entries[0] : ["runs": entries]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func csv(_ runs: [(CSSCode, [LERPoint])]) -> String {
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

    /// LER against p, log-scale y, one line per code and decoder.
    static func svg(_ runs: [(CSSCode, [LERPoint])], noise: String) -> String {
        let all = runs.flatMap(\.1)
        let w = 640.0, h = 440.0, left = 70.0, top = 40.0, pw = 520.0, ph = 330.0
        let ps = all.map(\.p), values = all.map(\.ler).filter { $0 > 0 && $0.isFinite }
        let xMin = ps.min() ?? 0, xMax = max(ps.max() ?? 1, xMin + 1e-9)
        let lo = floor(log10(values.min() ?? 1e-4)), hi = max(ceil(log10(values.max() ?? 1)), lo + 1)
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * pw }
        func py(_ v: Double) -> Double { top + (hi - log10(v)) / (hi - lo) * ph }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(w / 2)" y="22" text-anchor="middle" font-size="15">Logical error rate, \(SVGPlot.escape(noise)) noise</text>
            <rect x="\(left)" y="\(top)" width="\(pw)" height="\(ph)" fill="none" stroke="black"/>

            """
        for e in stride(from: lo, through: hi, by: 1) {
            svg +=
                "<line x1=\"\(left)\" y1=\"\(py(pow(10, e)))\" x2=\"\(left + pw)\" y2=\"\(py(pow(10, e)))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(py(pow(10, e)) + 4)\" text-anchor=\"end\">1e\(Int(e))</text>\n"
        }
        for x in Array(Set(ps)).sorted() {
            svg +=
                "<text x=\"\(px(x))\" y=\"\(top + ph + 16)\" text-anchor=\"middle\">\(String(format: "%g", x))</text>\n"
        }
        svg +=
            "<text x=\"\(left + pw / 2)\" y=\"\(top + ph + 36)\" text-anchor=\"middle\">physical error rate p</text>\n"
        var line = 0
        for (code, points) in runs {
            let decoders = points.map(\.decoder).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            for d in decoders {
                let pts = points.filter { $0.decoder == d && $0.ler > 0 }.sorted { $0.p < $1.p }.map {
                    (px($0.p), py($0.ler))
                }
                let color = SVGPlot.colors[line % SVGPlot.colors.count]
                let dash = d == "uf" ? " stroke-dasharray=\"6,3\"" : ""
                svg +=
                    "<polyline points=\"\(pts.map { String(format: "%.1f,%.1f", $0.0, $0.1) }.joined(separator: " "))\" "
                    + "fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>\n"
                for p in pts {
                    svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"/>", p.0, p.1, color)
                }
                let ly = top + ph - 10 - Double(line) * 16
                svg +=
                    "<line x1=\"\(left + pw - 150)\" y1=\"\(ly - 4)\" x2=\"\(left + pw - 130)\" y2=\"\(ly - 4)\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>"
                svg +=
                    "<text x=\"\(left + pw - 124)\" y=\"\(ly)\">\(SVGPlot.escape(code.name)) \(SVGPlot.escape(d))</text>\n"
                line += 1
            }
        }
        return svg + "</svg>\n"
    }
}
