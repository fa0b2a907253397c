import Foundation

/// One log-scale panel of curves with 95% interval bars, as SVG: the shared drawing of `eccbench --plot` (BER, FER) and
/// `eccbench qec --plot` (LER). A point with no errors is drawn at its interval's upper bound as an open down-triangle
/// (an upper bound, not a value) and its line stops there; the legend sits to the right of the data; marks (a
/// threshold crossing) are vertical dashed lines with a label.
struct LogPlot {
    struct Point {
        var x: Double
        var value: Double
        var lower: Double
        var upper: Double
        /// No errors: `value` is 0 and `upper` the bound drawn.
        var isUpperBound: Bool { value <= 0 }
    }

    struct Series {
        var label: String
        var points: [Point]
        var dashed = false
    }

    struct Mark {
        var x: Double
        var label: String
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    var marks: [Mark] = []

    static let colors = SVGPlot.colors
    static let panelWidth = 420.0, panelHeight = 320.0, left = 70.0, top = 40.0, legendWidth = 190.0

    /// Width and height of one panel with its axes and legend.
    static var size: (width: Double, height: Double) { (left + panelWidth + 20 + legendWidth, top + panelHeight + 50) }

    /// The panel's SVG elements, drawn with its top-left corner at (ox, oy).
    func render(at ox: Double, _ oy: Double) -> String {
        let w = Self.panelWidth, h = Self.panelHeight, x0 = ox + Self.left, y0 = oy + Self.top
        let all = series.flatMap(\.points)
        let xs = all.map(\.x)
        let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, (xs.min() ?? 0) + 1e-9)
        let shown = all.flatMap { [$0.value, $0.lower, $0.upper] }.filter { $0 > 0 && $0.isFinite }
        let lo = floor(log10(shown.min() ?? 1e-6)), hi = max(ceil(log10(shown.max() ?? 1)), lo + 1)
        func px(_ x: Double) -> Double { x0 + (x - xMin) / (xMax - xMin) * w }
        func py(_ v: Double) -> Double { y0 + (hi - log10(min(max(v, pow(10, lo)), pow(10, hi)))) / (hi - lo) * h }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg =
            "<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(w)\" height=\"\(h)\" fill=\"none\" stroke=\"black\"/>\n"
        for e in stride(from: lo, through: hi, by: 1) {
            let y = py(pow(10, e))
            svg += "<line x1=\"\(f(x0))\" y1=\"\(f(y))\" x2=\"\(f(x0 + w))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(f(x0 - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">1e\(Int(e))</text>\n"
        }
        for x in Array(Set(xs)).sorted() {
            svg += "<text x=\"\(f(px(x)))\" y=\"\(f(y0 + h + 16))\" text-anchor=\"middle\">\(Self.number(x))</text>\n"
        }
        svg +=
            "<text x=\"\(f(x0 + w / 2))\" y=\"\(f(y0 + h + 36))\" text-anchor=\"middle\">\(SVGPlot.escape(xLabel))</text>\n"
        let yMid = y0 + h / 2
        svg +=
            "<text x=\"\(f(ox + 16))\" y=\"\(f(yMid))\" text-anchor=\"middle\" transform=\"rotate(-90 \(f(ox + 16)) "
            + "\(f(yMid)))\">\(SVGPlot.escape(yLabel))</text>\n"
        svg +=
            "<text x=\"\(f(x0 + w / 2))\" y=\"\(f(y0 - 10))\" text-anchor=\"middle\" font-weight=\"bold\">"
            + "\(SVGPlot.escape(title))</text>\n"
        for mark in marks where mark.x >= xMin && mark.x <= xMax {
            svg +=
                "<line x1=\"\(f(px(mark.x)))\" y1=\"\(f(y0))\" x2=\"\(f(px(mark.x)))\" y2=\"\(f(y0 + h))\" "
                + "stroke=\"#555\" stroke-dasharray=\"4,4\"/>"
            svg +=
                "<text x=\"\(f(px(mark.x) + 4))\" y=\"\(f(y0 + 14))\" fill=\"#555\">\(SVGPlot.escape(mark.label))</text>\n"
        }
        var anyBound = false
        for (i, s) in series.enumerated() {
            let color = Self.colors[i % Self.colors.count], dash = s.dashed ? " stroke-dasharray=\"6,3\"" : ""
            let points = s.points.sorted { $0.x < $1.x }
            // the line joins measured values only; an upper bound ends it
            var run: [String] = []
            func flush() {
                if run.count > 1 {
                    svg +=
                        "<polyline points=\"\(run.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" "
                        + "stroke-width=\"2\"\(dash)/>\n"
                }
                run = []
            }
            for p in points {
                let x = px(p.x)
                if p.isUpperBound {
                    flush()
                    anyBound = true
                    let y = py(p.upper)
                    svg +=
                        "<path d=\"M\(f(x - 5)),\(f(y - 4)) L\(f(x + 5)),\(f(y - 4)) L\(f(x)),\(f(y + 5)) Z\" "
                        + "fill=\"white\" stroke=\"\(color)\" stroke-width=\"1.5\"/>\n"
                    continue
                }
                let y = py(p.value)
                run.append("\(f(x)),\(f(y))")
                if p.lower > 0 || p.upper > 0 {
                    let a = py(max(p.upper, p.value)), b = p.lower > 0 ? py(p.lower) : y0 + h
                    svg += "<line x1=\"\(f(x))\" y1=\"\(f(a))\" x2=\"\(f(x))\" y2=\"\(f(b))\" stroke=\"\(color)\"/>"
                    svg +=
                        "<line x1=\"\(f(x - 3))\" y1=\"\(f(a))\" x2=\"\(f(x + 3))\" y2=\"\(f(a))\" stroke=\"\(color)\"/>"
                    svg +=
                        "<line x1=\"\(f(x - 3))\" y1=\"\(f(b))\" x2=\"\(f(x + 3))\" y2=\"\(f(b))\" stroke=\"\(color)\"/>"
                }
                svg += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"3\" fill=\"\(color)\"/>\n"
            }
            flush()
            let lx = x0 + w + 20, ly = y0 + 12 + Double(i) * 18
            svg +=
                "<line x1=\"\(f(lx))\" y1=\"\(f(ly - 4))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly - 4))\" stroke=\"\(color)\" "
                + "stroke-width=\"2\"\(dash)/>"
            svg += "<text x=\"\(f(lx + 28))\" y=\"\(f(ly))\">\(SVGPlot.escape(s.label))</text>\n"
        }
        let noteY = y0 + 12 + Double(series.count) * 18 + 10
        svg +=
            "<text x=\"\(f(x0 + w + 20))\" y=\"\(f(noteY))\" fill=\"#555\" font-size=\"11\">bars: 95% intervals</text>\n"
        if anyBound {
            svg +=
                "<text x=\"\(f(x0 + w + 20))\" y=\"\(f(noteY + 15))\" fill=\"#555\" font-size=\"11\">▽ no errors: "
                + "95% upper bound</text>\n"
        }
        return svg
    }

    /// A short decimal (%g), never 0.060000000000000005.
    static func number(_ x: Double) -> String { String(format: "%g", x) }

    /// A whole SVG document of panels side by side under a title.
    static func document(title: String, panels: [LogPlot]) -> String {
        let (pw, ph) = size
        let width = pw * Double(max(1, panels.count)), height = ph + 30
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="20" text-anchor="middle" font-size="15">\(SVGPlot.escape(title))</text>

            """
        for (i, panel) in panels.enumerated() { svg += panel.render(at: Double(i) * pw, 30) }
        return svg + "</svg>\n"
    }
}
