import Base
import Foundation
import QECC
import TestSupport
import XCTest

/// mwpm and uf on Stim circuits' detector error models, against PyMatching 2's predictions and matching weights
/// committed with the fixtures (Resources/dem/make_fixtures.py: 400 shots each of rotated surface codes d = 3, 5, 7 and a
/// repetition code under circuit-level noise p = 0.005).
final class DetectorErrorModelMatchingTests: XCTestCase {
    static let circuits = ["surface-d3-r3", "surface-d5-r5", "surface-d7-r3", "repetition-d5-r5"]

    func load(_ name: String) throws -> (DetectorErrorModel, events: [UInt8], theirs: [UInt8], weights: [Double]) {
        let dem = try DetectorErrorModel(contentsOf: TestResources.path("dem/\(name).dem"))
        func read(_ file: String, _ bits: Int) throws -> [UInt8] {
            let path = TestResources.path("dem/\(name).\(file)")
            return try ShotFormat.b8.read(Data(contentsOf: URL(fileURLWithPath: path)), bitsPerShot: bits, source: path)
                .bits
        }
        let weights = try String(contentsOfFile: TestResources.path("dem/\(name).match.weights.txt"), encoding: .utf8)
            .split(separator: "\n").compactMap { Double($0) }
        return (
            dem, try read("match.events.b8", dem.detectorCount), try read("match.pymatching.b8", dem.observableCount),
            weights
        )
    }

    /// Every shot: the correction's boundary is the shot's detection events; its weight (Σ log((1 − p)/p) over the
    /// matched edges) is PyMatching's within the two integer discretisations; the predictions are PyMatching's except
    /// on equal-weight ties.
    func testMatchingAgreesWithPyMatching() throws {
        for name in Self.circuits {
            let (dem, events, theirs, weights) = try load(name)
            let D = dem.detectorCount, O = dem.observableCount, shots = weights.count
            XCTAssertEqual(shots, 400)
            let mwpm = try DetectorErrorModelDecoder("mwpm", model: dem)
            let ours = mwpm.decode(events: events, count: shots)
            var differ = 0, nontrivial = 0, largest = 0.0
            for s in 0..<shots {
                let shot = Array(events[(s * D)..<((s + 1) * D)])
                if shot.contains(1) { nontrivial += 1 }
                let edges = mwpm.correction(events: shot)
                var parity = [UInt8](repeating: 0, count: D)
                var weight = 0.0
                for e in edges {
                    let edge = mwpm.edges[e]
                    parity[edge.u] ^= 1
                    if let v = edge.v { parity[v] ^= 1 }
                    weight += logOdds(edge.probability)
                }
                XCTAssertEqual(parity, shot, "\(name) shot \(s): the matched edges' boundary is the events")
                XCTAssertEqual(weight, weights[s], accuracy: 1e-4 * max(1, weights[s]), "\(name) shot \(s)")
                largest = max(largest, abs(weight - weights[s]))
                if ours[(s * O)..<((s + 1) * O)] != theirs[(s * O)..<((s + 1) * O)] { differ += 1 }
            }
            print(
                "\(name): \(nontrivial) of \(shots) shots with events, \(differ) predictions differ, weights within \(largest)"
            )
            XCTAssertGreaterThan(nontrivial, 100, name)
            XCTAssertLessThanOrEqual(differ, shots / 50, "\(name): \(differ) predictions differ from PyMatching's")
        }
    }

    /// Every decoder predicts the same from packed shots as from bytes 0/1 (mwpm and uf gather the fired detectors
    /// from the words; bposd and bpm decode them unpacked), over the whole set and over a slice that starts mid-set.
    func testPackedShotsDecodeAsTheBytes() throws {
        for name in ["surface-d3-r3", "surface-d5-r5"] {
            let (dem, events, _, weights) = try load(name)
            let shots = weights.count, O = dem.observableCount
            let packed = PackedShots(bits: events, bitsPerShot: dem.detectorCount)
            for decoder in ["mwpm", "uf", "bposd", "bpm"] {
                let d = try DetectorErrorModelDecoder(decoder, model: dem)
                let bytes = d.decode(events: events, count: shots)
                XCTAssertEqual(d.decode(packed: packed), bytes, "\(name) \(decoder)")
                var slice = [UInt8](repeating: 9, count: 300 * O)
                slice.withUnsafeMutableBufferPointer { d.decode(packed: packed, shots: 37..<337, into: $0) }
                XCTAssertEqual(slice, Array(bytes[(37 * O)..<(337 * O)]), "\(name) \(decoder) shots 37..<337")
            }
        }
    }

    /// uf returns a valid correction (its boundary is the events) and, on these low-noise shots, mostly the same
    /// predictions as matching.
    func testUnionFindCorrectsEveryShot() throws {
        for name in Self.circuits {
            let (dem, events, theirs, weights) = try load(name)
            let D = dem.detectorCount, O = dem.observableCount, shots = weights.count
            let uf = try DetectorErrorModelDecoder("uf", model: dem)
            let ours = uf.decode(events: events, count: shots)
            var agree = 0
            for s in 0..<shots {
                let shot = Array(events[(s * D)..<((s + 1) * D)])
                var parity = [UInt8](repeating: 0, count: D)
                for e in uf.correction(events: shot) {
                    parity[uf.edges[e].u] ^= 1
                    if let v = uf.edges[e].v { parity[v] ^= 1 }
                }
                XCTAssertEqual(parity, shot, "\(name) shot \(s)")
                if ours[(s * O)..<((s + 1) * O)] == theirs[(s * O)..<((s + 1) * O)] { agree += 1 }
            }
            XCTAssertGreaterThan(agree, shots * 9 / 10, name)
        }
    }

    /// bposd on the full hypergraph: the same fixture with its decompositions joined (hyperedges of up to 4 detectors,
    /// which matching refuses): every correction's syndrome is the shot's events, and its predictions agree with
    /// PyMatching's on the decomposed model for at least 95% of the shots.
    func testBPOSDDecodesTheHypergraph() throws {
        let (dem, events, theirs, _) = try load("surface-d3-r3")
        let text = try String(contentsOfFile: TestResources.path("dem/surface-d3-r3.dem"), encoding: .utf8)
        let hyper = try DetectorErrorModel(text: text.replacingOccurrences(of: " ^ ", with: " "), source: "joined")
        XCTAssertFalse(hyper.isGraphlike)
        XCTAssertEqual(hyper.detectorCount, dem.detectorCount)
        XCTAssertThrowsError(try DetectorErrorModelDecoder("mwpm", model: hyper))
        let bposd = try DetectorErrorModelDecoder("bposd", model: hyper)
        let (h, _, _) = hyper.matrices
        let D = dem.detectorCount, O = dem.observableCount, shots = 400
        let ours = bposd.decode(events: events, count: shots)
        var agree = 0
        for s in 0..<shots {
            let shot = Array(events[(s * D)..<((s + 1) * D)])
            var syndrome = [UInt8](repeating: 0, count: D)
            for j in bposd.correction(events: shot) { for d in h.column(j).support { syndrome[d] ^= 1 } }
            XCTAssertEqual(syndrome, shot, "shot \(s)")
            if ours[(s * O)..<((s + 1) * O)] == theirs[(s * O)..<((s + 1) * O)] { agree += 1 }
        }
        XCTAssertGreaterThanOrEqual(agree, shots * 95 / 100)
    }

    func testNonGraphlikeModelsAndUnknownNamesAreRefused() throws {
        let hyper = try DetectorErrorModel(text: "error(0.1) D0 D1 D2", source: "h.dem")
        XCTAssertThrowsError(try DetectorErrorModelDecoder("mwpm", model: hyper)) {
            XCTAssertTrue("\($0)".contains("h.dem:1:"), "\($0)")
        }
        XCTAssertThrowsError(try DetectorErrorModelDecoder("blossom", model: hyper)) {
            XCTAssertTrue("\($0)".contains("unknown decoder 'blossom'"), "\($0)")
        }
    }
}
