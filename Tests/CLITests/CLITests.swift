import Foundation
import TestSupport
import XCTest

/// The `eccbench` command end to end: simulation outputs, seeds, errors, code listing.
final class CLITests: XCTestCase {
    func testSimulationWritesJSONCSVAndPlot() throws {
        let json = temp("r.json"), csv = temp("r.csv"), svg = temp("r.svg")
        let r = try runSucceeding([
            "--code", "hamming-7-4", "--decoders", "bp10,osd1", "--ebn0", "2:3:1", "--min-errors", "5",
            "--min-frames", "500", "--max-frames", "2000", "--threads", "2", "--json", json, "--csv", csv, "--plot",
            svg,
        ])
        XCTAssertTrue(r.stdout.contains("-ln(BER)"))
        let object =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let code = object["code"] as! [String: Any]
        XCTAssertEqual(code["name"] as? String, "HAMMING-7-4")
        XCTAssertEqual(code["n"] as? Int, 7); XCTAssertEqual(code["k"] as? Int, 4); XCTAssertEqual(code["m"] as? Int, 3)
        let points = object["points"] as! [[String: Any]]
        XCTAssertEqual(points.count, 4)
        for key in [
            "decoder", "ebn0", "frames", "frame_errors", "bit_errors", "ber", "fer", "neg_ln_ber", "ml_lower_fer",
            "seconds", "frames_per_second",
        ] {
            XCTAssertNotNil(points[0][key], key)
        }
        XCTAssertEqual(points.map { $0["ebn0"] as? Double }, [2, 3, 2, 3])
        let frames = points[0]["frames"] as! Int, fe = points[0]["frame_errors"] as! Int
        XCTAssertEqual(points[0]["fer"] as! Double, Double(fe) / Double(frames), accuracy: 1e-12)
        let csvText = try String(contentsOfFile: csv, encoding: .utf8)
        XCTAssertEqual(csvText.split(separator: "\n").count, 5)
        let svgText = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertTrue(svgText.hasPrefix("<svg") && svgText.contains("polyline") && svgText.contains("osd1"))
    }

    func testSameSeedSameCountsAnyThreads() throws {
        let args = [
            "--code", "BCH-31-16", "--decoders", "bp5", "--ebn0", "3", "--min-errors", "20", "--min-frames", "300",
            "--max-frames", "5000", "--seed", "9",
        ]
        let a = try run(args + ["--threads", "1", "--json", temp("a.json")])
        let b = try run(args + ["--threads", "2", "--json", temp("b.json")])
        XCTAssertEqual(a.status, 0); XCTAssertEqual(b.status, 0)
        func counts(_ path: String) throws -> [Int] {
            let o =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
            let p = (o["points"] as! [[String: Any]])[0]
            return [p["frames"] as! Int, p["frame_errors"] as! Int, p["bit_errors"] as! Int]
        }
        XCTAssertEqual(try counts(temp("a.json")), try counts(temp("b.json")))
    }

    func testBadInputGivesClearErrors() throws {
        let unknown = try run(["--code", "BHC-63-45"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("BCH-63-45"), unknown.stderr)
        XCTAssertFalse(unknown.stderr.contains("Fatal error"))

        let bad = temp("bad.txt")
        try "1 0 1\n1 1\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let malformed = try run(["--code", bad])
        XCTAssertNotEqual(malformed.status, 0)
        XCTAssertTrue(malformed.stderr.contains("\(bad):2"), malformed.stderr)

        for args in [
            ["--ebn0", "4,x"], ["--ebn0", "7:3:1"], ["--min-frames", "0"], ["--threads", "0"],
            ["--max-frames", "10", "--min-frames", "100"], ["--channel", "foo"], ["--channel", "bsc", "--p", "0.7"],
            ["--decoders", "bp50,zzz"], ["--code", "POLAR-64-32", "--decoders", "bm"],
            ["--json", "/nonexistent/x.json"],
        ] {
            let r = try run(["--code", "BCH-31-16", "--max-frames", "1000", "--min-frames", "100"] + args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains("Error"), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Stack dump"), "\(args)")
        }
    }

    func testCodesListingAndExport() throws {
        let list = try run(["codes"])
        XCTAssertEqual(list.status, 0)
        XCTAssertTrue(list.stdout.contains("BCH-63-45") && list.stdout.contains("CCSDS-128-64"))
        let alist = try run(["code", "HAMMING-7-4", "--export", "alist"])
        XCTAssertEqual(alist.status, 0)
        XCTAssertTrue(alist.stdout.hasPrefix("7 3\n"))
        let txt = try run(["code", "HAMMING-7-4", "--export", "txt"])
        XCTAssertEqual(txt.stdout.split(separator: "\n").count, 3)
        // the exported alist reads back as the same code
        let path = temp("h.alist")
        try alist.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        let again = try run(["code", path, "--export", "alist"])
        XCTAssertEqual(again.stdout, alist.stdout)
        XCTAssertNotEqual(try run(["code", "HAMMING-7-4", "--export", "pdf"]).status, 0)
    }

    func testBSCChannelRuns() throws {
        let r = try runSucceeding([
            "--code", "GOLAY-24-12", "--channel", "bsc", "--p", "0.02,0.05", "--decoders", "osd2",
            "--min-errors", "5", "--min-frames", "500", "--max-frames", "1000",
        ])
        XCTAssertTrue(r.stdout.contains("0.05"))
    }
}
