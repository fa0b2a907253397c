import Base
import TestSupport
import XCTest

@testable import QECC

/// The graph decoders' word-wise pieces (detection gathering for mwpm, uf and bpm; uf's growth and peeling) against
/// their plain twins.
final class UnionFindKernelTests: XCTestCase {
    /// `appendFired` (64 and 8 bytes at a time) equals the byte-by-byte filter: every length 0…200 (ragged tails of
    /// both widths), offsets, densities from empty to full, and non-unit byte values (0x80 and 0xFF among them).
    func testAppendFiredEqualsTheByteFilter() {
        var rng = SeededRNG(seed: 5)
        for count in 0...200 {
            for density in [0, 3, 30, 100] {
                let row = (0..<count).map { _ in
                    rng.next() % 100 < UInt64(density)
                        ? [1, 0x80, 0xFF, UInt8(1 + rng.next() % 255)][Int(rng.next() % 4)] : 0
                }
                let offset = Int(rng.next() % 50)
                var fast = [7]
                row.withUnsafeBufferPointer { appendFired($0.baseAddress!, count: count, offset: offset, to: &fast) }
                let plain = [7] + (0..<count).filter { row[$0] != 0 }.map { $0 + offset }
                XCTAssertEqual(fast, plain, "count \(count), density \(density)%")
            }
        }
    }

    /// Growth and peeling equal the plain twin (`UnionFindReference`) edge for edge — every edge's growth when no odd
    /// cluster is left and the flipped edges (each once; the peeling's order is its own), by paths and from the leaves
    /// alike — on toric graphs (one round and five, independent and depolarising noise, sparse to dense defects) and
    /// Stim circuits' graphs (surface d = 3 and 5, repetition), all decoded by one workspace in a row (each shot must
    /// clear what the one before left).
    func testGrowthAndPeelingEqualThePlainTwin() throws {
        var graphs: [DecodingGraph] = []
        for (L, rounds, noise) in [(4, 1, PauliNoise.independent), (5, 1, .depolarizing), (4, 5, .independent)] {
            let problem = try DecodingProblem(code: try CSSCode.toric(L), noise: noise, rounds: rounds)
            graphs += try problem.matchingGraphs(p: 0.05, q: rounds > 1 ? 0.05 : nil)
        }
        for name in ["surface-d3-r3", "surface-d5-r5", "repetition-d5-r5"] {
            let model = try DetectorErrorModel(contentsOf: TestResources.path("dem/\(name).dem"))
            graphs.append(try DetectorErrorModelDecoder.matchingGraph(model).1)
        }
        var rng = SeededRNG(seed: 17)
        var compared = 0, multiRound = 0, pathsTaken = 0
        for graph in graphs {
            let view = UnionFindGraph(graph), twin = UnionFindReference(graph: graph)
            let uf = UnionFindDecoder(
                name: "uf", problem: nil, graphs: [graph],
                layout: HalfLayout(halves: [], errorLength: 0, syndromeLength: 0, rounds: 1))
            var w = uf.makeWorkspace()
            for density in [1, 3, 8, 20, 40] {
                for shot in 0..<60 {
                    let defects = (0..<graph.detectorCount).filter { _ in rng.next() % 100 < UInt64(density) }
                    let before = w.round
                    uf.grow(view, defects: defects, workspace: &w)
                    let rounds = w.round - before
                    let growth = (0..<graph.edgeCount).map { w.growth($0, graph: view) }
                    var flips: [Int] = [], fromLeaves: [Int] = [], byPaths: [Int] = []
                    _ = w.peel(graph: view, defects: defects) { flips.append($0) }
                    _ = w.peelFromLeaves(graph: view, defects: defects) { fromLeaves.append($0) }
                    if w.peelByPaths(graph: view, defects: defects, flip: { byPaths.append($0) }) != nil {
                        XCTAssertEqual(byPaths.sorted(), fromLeaves.sorted())
                        pathsTaken += 1
                    }
                    XCTAssertEqual(fromLeaves.sorted(), flips.sorted())
                    let expected = twin.decode(defects: defects)
                    XCTAssertEqual(growth, expected.growth, "\(graph.nodeCount) nodes, \(density)%, shot \(shot)")
                    XCTAssertEqual(flips.count, Set(flips).count)
                    XCTAssertEqual(
                        flips.sorted(), expected.flips.sorted(), "\(graph.nodeCount) nodes, \(density)%, shot \(shot)")
                    if rounds > 3 { multiRound += 1 }
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, graphs.count * 300)
        XCTAssertGreaterThan(multiRound, 100, "shots whose clusters grew for more than two rounds")
        XCTAssertGreaterThan(pathsTaken, compared / 4, "shots peeled by paths")
        XCTAssertLessThan(pathsTaken, compared, "shots over the paths' budget")
    }
}

extension UnionFindKernelTests {
    /// The isolated-pairs shortcut gives Union-Find's own correction: the same predictions with it and without on
    /// Stim circuits' models at 0.2×, 1× and 3× the fixtures' priors (most shots take it at 0.2×, few at 3×), and the
    /// same toric corrections (one round, depolarising; five rounds), with both paths taken many times.
    func testIsolatedPairsShortcutGivesTheGrownCorrection() throws {
        var rng = SeededRNG(seed: 23)
        var taken = 0, declined = 0
        for name in ["surface-d3-r3", "surface-d5-r5", "surface-d7-r3", "repetition-d5-r5"] {
            for factor in [0.2, 1, 3] {
                let model = try DetectorErrorModel(contentsOf: TestResources.path("dem/\(name).dem"))
                    .scalingPriors(by: factor)
                let (edges, graph, layout) = try DetectorErrorModelDecoder.matchingGraph(model)
                let masks = edges.map { DetectorErrorModelDecoder.mask($0.observables) }
                let shots = 400, D = model.detectorCount, O = model.observableCount
                let events = DetectorErrorModelSampler(model: model).sample(count: shots, rng: &rng).events
                var predictions: [[UInt8]] = []
                for shortcut in [true, false] {
                    var uf = UnionFindDecoder(name: "uf", problem: nil, graphs: [graph], layout: layout)
                    uf.shortcutsIsolatedPairs = shortcut
                    var out = [UInt8](repeating: 9, count: shots * O)
                    events.withUnsafeBufferPointer { e in
                        out.withUnsafeMutableBufferPointer {
                            uf.predictObservables(
                                .bytes(e.baseAddress!, detectors: D), count: shots, observables: O, edgeMasks: masks,
                                into: $0)
                        }
                    }
                    predictions.append(out)
                }
                XCTAssertEqual(predictions[0], predictions[1], "\(name) × \(factor)")
                // how often the shortcut applies
                let uf = UnionFindDecoder(name: "uf", problem: nil, graphs: [graph], layout: layout)
                var w = uf.makeWorkspace()
                for s in 0..<shots {
                    let defects = (0..<D).filter { events[s * D + $0] != 0 }
                    guard !defects.isEmpty else { continue }
                    if w.isolatedPairs(graph: uf.views[0], defects: defects, flip: { _ in }) != nil {
                        taken += 1
                    } else {
                        declined += 1
                    }
                }
            }
        }
        for (L, rounds, noise, p) in [(6, 1, PauliNoise.depolarizing, 0.02), (5, 5, .independent, 0.01)] {
            let problem = try DecodingProblem(code: try CSSCode.toric(L), noise: noise, rounds: rounds)
            let (_, detections) = try NoiseSampler(problem: problem, p: p, q: rounds > 1 ? p : nil)
                .sample(count: 500, rng: &rng)
            var corrections: [[UInt8]] = []
            for shortcut in [true, false] {
                var uf = try UnionFindDecoder(problem: problem, p: p, q: rounds > 1 ? p : nil)
                uf.shortcutsIsolatedPairs = shortcut
                corrections.append(uf.decode(detections: detections, count: 500, errorLength: problem.errorLength))
            }
            XCTAssertEqual(corrections[0], corrections[1], "toric-\(L), \(rounds) rounds")
        }
        XCTAssertGreaterThan(taken, 1000)
        XCTAssertGreaterThan(declined, 1000)
    }
}
