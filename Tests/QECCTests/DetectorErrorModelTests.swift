import Base
import Foundation
import QECC
import TestSupport
import XCTest

/// The DEM parser and the shot formats against Stim's own reading of the fixtures (Resources/dem/make_fixtures.py).
final class DetectorErrorModelTests: XCTestCase {
    static let models = ["hand", "surface-d3-r3", "surface-d5-r5", "repetition-d5-r5"]

    func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestResources.path("dem/\(name).expected.json")))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testMatricesPriorsEdgesAndCoordinatesAreStims() throws {
        for name in Self.models {
            let dem = try DetectorErrorModel(contentsOf: TestResources.path("dem/\(name).dem"))
            let e = try expected(name)
            XCTAssertEqual(dem.detectorCount, e["detectors"] as? Int, name)
            XCTAssertEqual(dem.observableCount, e["observables"] as? Int, name)
            let columns = try XCTUnwrap(e["columns"] as? [[Any]])
            let ours = dem.columns
            XCTAssertEqual(ours.count, columns.count, name)
            for (c, theirs) in zip(ours, columns) {
                XCTAssertEqual(c.symptom.detectors, theirs[0] as? [Int], name)
                XCTAssertEqual(c.symptom.observables, theirs[1] as? [Int], name)
                XCTAssertEqual(c.probability, try XCTUnwrap(theirs[2] as? Double), accuracy: 1e-15, name)
            }
            let (h, l, priors) = dem.matrices
            XCTAssertEqual(h.rows, dem.detectorCount)
            XCTAssertEqual(l.rows, dem.observableCount)
            XCTAssertEqual(priors.count, columns.count)
            for (j, theirs) in columns.enumerated() {
                XCTAssertEqual(h.column(j).support, theirs[0] as? [Int], "\(name) column \(j)")
                XCTAssertEqual(l.column(j).support, theirs[1] as? [Int], "\(name) column \(j)")
            }
            let edges = try XCTUnwrap(e["edges"] as? [[Any]])
            let graph = try dem.matchingEdges()
            XCTAssertEqual(graph.count, edges.count, name)
            for (edge, theirs) in zip(graph, edges) {
                XCTAssertEqual(edge.u, theirs[0] as? Int, name)
                XCTAssertEqual(edge.v ?? -1, theirs[1] as? Int, name)
                XCTAssertEqual(edge.probability, try XCTUnwrap(theirs[2] as? Double), accuracy: 1e-15, name)
                XCTAssertEqual(edge.observables, theirs[3] as? [Int], name)
            }
            let coordinates = try XCTUnwrap(e["coordinates"] as? [String: [Double]])
            XCTAssertEqual(dem.coordinates.count, coordinates.count, name)
            for (k, v) in coordinates { XCTAssertEqual(dem.coordinates[Int(k)!], v, "\(name) D\(k)") }
        }
    }

    func testShotFormatsReadStimsFilesAndWriteThemBackByteForByte() throws {
        for name in Self.models.dropFirst() {
            let dem = try DetectorErrorModel(contentsOf: TestResources.path("dem/\(name).dem"))
            for (kind, bits) in [("events", dem.detectorCount), ("obs", dem.observableCount)] {
                var decoded: [[UInt8]] = []
                for format in ShotFormat.allCases {
                    let path = TestResources.path("dem/\(name).\(kind).\(format.rawValue)")
                    let data = try Data(contentsOf: URL(fileURLWithPath: path))
                    let (shots, values) = try format.read(data, bitsPerShot: bits, source: path)
                    XCTAssertEqual(shots, 64, path)
                    XCTAssertEqual(try format.write(values, bitsPerShot: bits), data, path)
                    decoded.append(values)
                }
                XCTAssertEqual(decoded[0], decoded[1], "\(name) \(kind): 01 vs b8")
                XCTAssertEqual(decoded[0], decoded[2], "\(name) \(kind): 01 vs r8")
                XCTAssertEqual(decoded[0], decoded[3], "\(name) \(kind): 01 vs ptb64")
                XCTAssertTrue(decoded[0].contains(1), "\(name) \(kind): some bit set")
            }
        }
        // r8 runs longer than 255 zeros, and shots of all zeros
        var bits = [UInt8](repeating: 0, count: 3 * 600)
        bits[599] = 1
        bits[600 + 256] = 1
        let r8 = try ShotFormat.r8.write(bits, bitsPerShot: 600)
        XCTAssertEqual(try ShotFormat.r8.read(r8, bitsPerShot: 600, source: "r8").bits, bits)
    }

    /// b8 unpacking (eight bits a table lookup) equals the bit-by-bit twin for every width 1…70 (whole and partial
    /// bytes); padding bits set are refused naming the shot.
    func testB8UnpackingEqualsTheBitByBitTwin() throws {
        var rng = SeededRNG(seed: 4)
        for width in 1...70 {
            let per = (width + 7) / 8, shots = 9
            var bytes = (0..<(shots * per)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if width % 8 != 0 { for s in 0..<shots { bytes[s * per + per - 1] &= UInt8((1 << (width % 8)) - 1) } }
            let twin = (0..<shots).flatMap { s in (0..<width).map { j in bytes[s * per + j / 8] >> (j % 8) & 1 } }
            let read = try ShotFormat.b8.read(Data(bytes), bitsPerShot: width, source: "w\(width)")
            XCTAssertEqual(read.shots, shots)
            XCTAssertEqual(read.bits, twin, "width \(width)")
            if width % 8 != 0 {
                var padded = bytes
                padded[4 * per + per - 1] |= 0x80
                XCTAssertThrowsError(try ShotFormat.b8.read(Data(padded), bitsPerShot: width, source: "w")) {
                    XCTAssertTrue("\($0)".contains("shot 4 sets bits past"), "\($0)")
                }
            }
        }
    }

    /// Packed shots equal their definition (bit j of a shot in word j/64 at j mod 64, zero padding) for widths 1…140
    /// (64 bits a word, whole and ragged), unpack back to the bytes read, and `readPacked` gives the same words from
    /// every format (b8 copied row by row, the others packed after reading) and refuses what `read` refuses.
    func testPackedShotsEqualTheirDefinitionFromEveryFormat() throws {
        var rng = SeededRNG(seed: 6)
        for width in [1, 7, 8, 9, 63, 64, 65, 70, 127, 128, 129, 140] {
            let shots = 128  // a multiple of 64, for ptb64
            let bits = (0..<(shots * width)).map { _ in UInt8(rng.next() % 5 == 0 ? 1 : 0) }
            let packed = PackedShots(bits: bits, bitsPerShot: width)
            let W = (width + 63) / 64
            XCTAssertEqual(packed.shots, shots)
            XCTAssertEqual(packed.wordsPerShot, W)
            for s in 0..<shots {
                for w in 0..<W {
                    var word: UInt64 = 0
                    for j in (64 * w)..<min(width, 64 * w + 64) where bits[s * width + j] == 1 {
                        word |= 1 << UInt64(j - 64 * w)
                    }
                    XCTAssertEqual(packed.words[s * W + w], word, "width \(width) shot \(s) word \(w)")
                }
            }
            XCTAssertEqual(packed.bits(shots: 0..<shots), bits, "width \(width)")
            XCTAssertEqual(packed.bits(shots: 5..<9), Array(bits[(5 * width)..<(9 * width)]), "width \(width)")
            for format in ShotFormat.allCases {
                let data = try format.write(bits, bitsPerShot: width)
                XCTAssertEqual(
                    try format.readPacked(data, bitsPerShot: width, source: "w"), packed, "\(format) width \(width)")
            }
        }
        // shots of no bits (a model with no detectors) keep their count
        let empty = try ShotFormat.zeroOne.readPacked(Data("\n\n\n".utf8), bitsPerShot: 0, source: "none")
        XCTAssertEqual(empty.shots, 3)
        let none = try DetectorErrorModelDecoder("mwpm", model: try DetectorErrorModel(text: "error(0.1) L0\n"))
        XCTAssertEqual(none.decode(packed: empty), [0, 0, 0])
        let b8 = Data([0x01, 0x02, 0x04])
        XCTAssertThrowsError(try ShotFormat.b8.readPacked(b8, bitsPerShot: 9, source: "events.b8")) {
            XCTAssertTrue("\($0)".contains("events.b8: 3 bytes is not a whole number of b8 shots of 9 bits"), "\($0)")
        }
        XCTAssertThrowsError(try ShotFormat.b8.readPacked(Data([0x00, 0x80]), bitsPerShot: 9, source: "w")) {
            XCTAssertTrue("\($0)".contains("shot 0 sets bits past its 9"), "\($0)")
        }
    }

    /// Our sampler's detector rates against the exact rates (1 − Π(1 − 2p))/2 within 4.5σ for 20,000 shots, and with
    /// Stim's own sampler when it is installed (both within sampling error of the same rates); thread-free: a block's
    /// shots are a function of its stream.
    func testSamplerFiresEachDetectorAtItsRate() throws {
        let dem = try DetectorErrorModel(contentsOf: TestResources.path("dem/surface-d3-r3.dem"))
        let sampler = DetectorErrorModelSampler(model: dem)
        let shots = 20000
        var rng = SeededRNG(seed: 9)
        let (events, flips) = sampler.sample(count: shots, rng: &rng)
        let exact = DetectorErrorModelSampler.detectorRates(dem)
        for d in 0..<dem.detectorCount {
            let seen = Double((0..<shots).filter { events[$0 * dem.detectorCount + d] == 1 }.count) / Double(shots)
            let sigma = (exact[d] * (1 - exact[d]) / Double(shots)).squareRoot()
            XCTAssertEqual(seen, exact[d], accuracy: 4.5 * sigma, "D\(d)")
        }
        XCTAssertTrue(flips.contains(1))
        var again = SeededRNG(seed: 9)
        let firstBlock = sampler.sample(count: 256, rng: &again)
        XCTAssertEqual(
            firstBlock.events, Array(events[0..<(256 * dem.detectorCount)]), "the same stream, the same shots")
        let script =
            "import stim,sys\nc=stim.DetectorErrorModel(open(sys.argv[1]).read()).compile_sampler(seed=3)\n"
            + "d,_,_=c.sample(20000)\nprint(' '.join(str(x) for x in d.mean(axis=0)))"
        let stim = try python(["-c", script, TestResources.path("dem/surface-d3-r3.dem")], mergeErrors: false)
        guard stim.status == 0 else {
            return print("skipped the comparison with Stim's sampler: stim is not installed (pip install stim)")
        }
        let theirs = stim.output.split(separator: " ").compactMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        XCTAssertEqual(theirs.count, dem.detectorCount)
        for (d, rate) in theirs.enumerated() {
            let sigma = (exact[d] * (1 - exact[d]) / Double(shots)).squareRoot()
            XCTAssertEqual(rate, exact[d], accuracy: 4.5 * sigma, "Stim D\(d)")
        }
    }

    func testWrongLengthsAreRefusedSayingTheSizes() throws {
        let b8 = Data([1, 2, 3])
        for (format, data, bits, message) in [
            (ShotFormat.b8, b8, 9, "3 bytes is not a whole number of b8 shots of 9 bits (2 bytes each"),
            (.b8, Data([0x80]), 7, "padding bits of b8 must be 0"),
            (.zeroOne, Data("0101\n011\n".utf8), 4, ":2: 3 bits"),
            (.zeroOne, Data("01x1\n".utf8), 4, "'x' is not '0', '1'"),
            (.zeroOne, Data("0101".utf8), 4, "without a newline"),
            (.r8, Data([3]), 8, "cut off"), (.r8, Data([9]), 8, "past its 8 bits"),
            (.ptb64, Data(count: 80), 9, "80 bytes is not a whole number of ptb64 groups of 64 shots of 9 bits (72"),
        ] {
            XCTAssertThrowsError(try format.read(data, bitsPerShot: bits, source: "f.\(format.rawValue)")) {
                XCTAssertTrue("\($0)".contains(message), "\(format): \($0)")
            }
        }
        XCTAssertThrowsError(try ShotFormat.named("ptb65")) { XCTAssertTrue("\($0)".contains("'ptb65'")) }
        XCTAssertThrowsError(try ShotFormat.ptb64.write([UInt8](repeating: 0, count: 100 * 3), bitsPerShot: 3)) {
            XCTAssertTrue("\($0)".contains("100 shots is not a multiple of 64"), "\($0)")
        }
    }

    /// ptb64 equals its definition bit for bit (shot 64g + k, bit j at bit k of the word g·8·bits + 8j), several groups
    /// and widths, read and written.
    func testPtb64EqualsItsDefinition() throws {
        var rng = SeededRNG(seed: 12)
        for width in [1, 7, 8, 9, 70] {
            let shots = 192
            let bits = (0..<(shots * width)).map { _ in UInt8(rng.next() % 2) }
            var twin = [UInt8](repeating: 0, count: shots / 8 * width)
            for s in 0..<shots {
                for j in 0..<width where bits[s * width + j] == 1 {
                    let byte = (s / 64) * 8 * width + 8 * j + (s % 64) / 8
                    twin[byte] |= 1 << UInt8(s % 8)
                }
            }
            let written = try ShotFormat.ptb64.write(bits, bitsPerShot: width)
            XCTAssertEqual([UInt8](written), twin, "width \(width)")
            let read = try ShotFormat.ptb64.read(written, bitsPerShot: width, source: "w\(width)")
            XCTAssertEqual(read.shots, shots)
            XCTAssertEqual(read.bits, bits, "width \(width)")
        }
    }

    func testMalformedModelsAreRefusedNamingTheLine() throws {
        for (text, message) in [
            ("error(0.1) D0\nerror(1.5) D1", "m.dem:2: error(1.5): the probability is outside [0, 1]"),
            ("error(nan) D0", "m.dem:1: argument 'nan' is not a finite number"),
            ("error(0.1) D0 X3", "m.dem:1: target 'X3' is not a detector"),
            ("error(0.1, 0.2) D0", "error takes one probability"), ("error(0.1 D0", "'(' without ')'"),
            ("error(0.1) ^ D0", "'^' must separate"), ("error(0.1) D0 ^", "'^' must separate"),
            ("repeat 3 {\nerror(0.1) D0\n", "m.dem:1: 'repeat … {' is never closed"), ("}", "m.dem:1: '}' closes no"),
            ("repeat 0 {\n}", "repeat needs one count N ≥ 1"), ("repeat 2\nerror(0.1) D0", "repeat needs 'repeat N {'"),
            ("qubit_coords(1) 0", "unknown instruction 'qubit_coords'"), ("error(0.1) D-1", "target 'D-1'"),
            ("shift_detectors -2", "shift_detectors takes one count"), ("detector(1) L0", "detector takes detector"),
            ("logical_observable D0", "logical_observable takes observable"),
            ("error(0.1) D2000000", "at most 1048576 detectors"),
            ("repeat 100000 {\nrepeat 100000 {\nerror(0.1) D0\n}\n}", "more than 4194304 error mechanisms"),
            ("error(0.1) D0 # c\r\n\r\n  error(0.1) D0 Q1  # c\r\n", "m.dem:3: target 'Q1' is not a detector"),
            ("error(0.1) D0\rerror(0.1) D0 Q1\n", "m.dem:2: target 'Q1'"),
            ("error(0.1) D0\n\tqubit(1) 0 \t", "m.dem:2: unknown instruction 'qubit' in 'qubit(1) 0'"),
            ("érror(0.1) D0", "m.dem:1: expected an instruction in 'érror(0.1) D0'"),
            ("error(0.1,) D0", "argument '' is not a finite number"),
        ] {
            XCTAssertThrowsError(try DetectorErrorModel(text: text, source: "m.dem"), text) {
                XCTAssertTrue("\($0)".contains(message), "\(text): \($0)")
            }
        }
        let hyper = try DetectorErrorModel(text: "error(0.1) D0 D1\n\nerror(0.2) D0 D1 D2 L0", source: "h.dem")
        XCTAssertFalse(hyper.isGraphlike)
        XCTAssertThrowsError(try hyper.matchingEdges()) {
            XCTAssertTrue("\($0)".contains("h.dem:3: error(0.2) has a part flipping 3 detectors (D0 D1 D2)"), "\($0)")
        }
        XCTAssertEqual(hyper.matrices.check.columns, 2, "BP and OSD take the full hypergraph")
        XCTAssertThrowsError(try hyper.scalingPriors(by: 6)) { XCTAssertTrue("\($0)".contains("h.dem:3:"), "\($0)") }
        XCTAssertEqual(try hyper.scalingPriors(by: 0.5).mechanisms.map(\.probability), [0.05, 0.1])
        let windows = try DetectorErrorModel(text: "error(0.1) D0\r\n\terror(0.2) D1 L0\r\n", source: "crlf.dem")
        XCTAssertEqual(windows.mechanisms.map(\.probability), [0.1, 0.2], "CRLF line ends and tabs")
        XCTAssertEqual(windows.observableCount, 1)
    }
}
