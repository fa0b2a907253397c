import Base
import XCTest

@testable import QECC

/// The graph decoders' word-wise pieces (detection gathering for mwpm, uf and bpm; uf's edge stamps) against their
/// plain twins.
final class UnionFindKernelTests: XCTestCase {
    /// `appendFired` (eight bytes at a time) equals the byte-by-byte filter: every length 0…40 (ragged tails),
    /// offsets, densities from empty to full, and non-unit byte values.
    func testAppendFiredEqualsTheByteFilter() {
        var rng = SeededRNG(seed: 5)
        for count in 0...40 {
            for density in [0, 3, 30, 100] {
                let row = (0..<count).map { _ in rng.next() % 100 < UInt64(density) ? UInt8(1 + rng.next() % 255) : 0 }
                let offset = Int(rng.next() % 50)
                var fast = [7]
                row.withUnsafeBufferPointer { appendFired($0.baseAddress!, count: count, offset: offset, to: &fast) }
                let plain = [7] + (0..<count).filter { row[$0] != 0 }.map { $0 + offset }
                XCTAssertEqual(fast, plain, "count \(count), density \(density)%")
            }
        }
    }

    /// The 4-byte edge stamps wrap after 2³⁰ − 1 shots: a used workspace taken past the wrap decodes as a fresh one.
    func testEdgeStampsWrap() throws {
        let problem = try DecodingProblem(code: try CSSCode.toric(5), noise: .independent)
        let uf = try UnionFindDecoder(problem: problem, p: 0.1)
        let sampler = try NoiseSampler(problem: problem, p: 0.12)
        var rng = SeededRNG(seed: 9)
        let (_, detections) = sampler.sample(count: 40, rng: &rng)
        let M = problem.syndromeLength, graph = uf.views[0]
        var fresh = uf.makeWorkspace(), aged = uf.makeWorkspace()
        func flips(_ w: inout UnionFindWorkspace, _ defects: [Int]) -> [Int] {
            var list: [Int] = []
            uf.grow(graph, defects: defects, workspace: &w)
            let grown = (0..<graph.edgeCount).filter { w.growth($0) > 0 }
            _ = w.peel(graph: graph, defects: defects) { list.append($0) }
            return grown + [-1] + list
        }
        // the busiest shot decoded at stamp 1, then the stamp moved to the wrap: the next shot is stamp 1 again and
        // must not see the busiest shot's growth
        let rows = problem.halves[0].checks.rows
        let shotDefects = (0..<40).map { s in (0..<rows).filter { detections[s * M + $0] != 0 } }
        _ = flips(&aged, shotDefects.max { $0.count < $1.count }!)
        aged.edgeShot = (1 << 30) - 1
        var decoded = 0
        for (s, defects) in shotDefects.enumerated() where !defects.isEmpty {
            XCTAssertEqual(flips(&aged, defects), flips(&fresh, defects), "shot \(s)")
            decoded += 1
        }
        XCTAssertLessThan(aged.edgeShot, 100, "the stamp wrapped")
        XCTAssertGreaterThan(decoded, 20)
    }
}
