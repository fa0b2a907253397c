import Base
import QECC
import XCTest

@testable import QECC

final class BlossomMatchingTests: XCTestCase {
    /// Minimum weight of a perfect matching by trying every pairing (small graphs), nil when there is none.
    func bruteForce(_ n: Int, _ w: [[Int?]]) -> Int? {
        func best(_ left: [Int]) -> Int? {
            guard let first = left.first else { return 0 }
            var result: Int?
            for (i, other) in left.enumerated().dropFirst() {
                guard let edge = w[first][other] else { continue }
                var rest = left; rest.remove(at: i); rest.removeFirst()
                if let r = best(rest), result == nil || edge + r < result! { result = edge + r }
            }
            return result
        }
        return best(Array(0..<n))
    }

    func testMinimumWeightPerfectMatchingEqualsBruteForce() {
        var rng = SeededRNG(seed: 11)
        var checked = 0
        for trial in 0..<600 {
            let n = 2 * (1 + Int(rng.next() % 5))  // 2…10 vertices
            let density = [0.4, 0.7, 1.0][trial % 3]
            var w = [[Int?]](repeating: [Int?](repeating: nil, count: n), count: n)
            var edges: [(Int, Int, Int)] = []
            for i in 0..<n {
                for j in (i + 1)..<n where rng.nextDouble() < density {
                    let weight = Int(rng.next() % (trial % 2 == 0 ? 4 : 100))  // many ties on even trials
                    w[i][j] = weight; w[j][i] = weight
                    edges.append((i, j, weight))
                }
            }
            let mate = BlossomMatching.minimumWeightPerfect(vertexCount: n, edges: edges)
            let expected = bruteForce(n, w)
            let perfect = mate.allSatisfy { $0 >= 0 }
            XCTAssertEqual(perfect, expected != nil, "trial \(trial): perfect matching found iff one exists")
            guard let expected, perfect else { continue }
            var total = 0
            for i in 0..<n {
                XCTAssertEqual(mate[mate[i]], i, "trial \(trial): matching is symmetric")
                if mate[i] > i { total += w[i][mate[i]]! }
            }
            XCTAssertEqual(total, expected, "trial \(trial), n = \(n)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 400)
    }

    func testMaximumWeightMatchingWithoutCardinality() {
        // A path a–b–c–d with weights 1, 3, 1: the best matching takes b–c alone (3 > 1 + 1).
        let mate = BlossomMatching.maximumWeight(
            vertexCount: 4, edges: [(0, 1, 1), (1, 2, 3), (2, 3, 1)], maxCardinality: false)
        XCTAssertEqual(mate, [-1, 2, 1, -1])
        // With maximum cardinality it must take both ends.
        let perfect = BlossomMatching.maximumWeight(
            vertexCount: 4, edges: [(0, 1, 1), (1, 2, 3), (2, 3, 1)], maxCardinality: true)
        XCTAssertEqual(perfect, [1, 0, 3, 2])
        // A blossom: triangle 0-1-2 with a pendant 3 on vertex 2.
        let blossom = BlossomMatching.minimumWeightPerfect(
            vertexCount: 4, edges: [(0, 1, 1), (1, 2, 1), (0, 2, 1), (2, 3, 5)])
        XCTAssertEqual(blossom, [1, 0, 3, 2])
    }
}

final class PricedMatchingTests: XCTestCase {
    /// Pricing a sparse candidate graph (few neighbours) reaches the complete graph's optimum: random points with
    /// Manhattan distances (many ties), with and without boundary copies, against the blossom on every edge.
    func testPricedMatchingEqualsTheCompleteGraphOptimum() {
        var rng = SeededRNG(seed: 21)
        var repriced = 0
        for trial in 0..<300 {
            let withBoundary = trial % 2 == 1
            let D = withBoundary ? 1 + Int(rng.next() % 14) : 2 * (1 + Int(rng.next() % 8))
            let side = 3 + Int(rng.next() % 10)
            let points = (0..<D).map { _ in (Int(rng.next() % UInt64(side)), Int(rng.next() % UInt64(side))) }
            func pair(_ i: Int, _ j: Int) -> Int? {
                abs(points[i].0 - points[j].0) + abs(points[i].1 - points[j].1) + 1
            }
            func boundary(_ i: Int) -> Int? { min(points[i].0, side - 1 - points[i].0) + 1 }
            let (mate, rounds) = PricedMatching.minimumWeightPerfect(
                defects: D, withBoundary: withBoundary, neighbours: 2,
                pair: pair, boundary: boundary)
            if rounds > 1 { repriced += 1 }
            func total(_ mate: [Int]) -> Int {
                (0..<D).reduce(0) { acc, i in
                    let p = mate[i]
                    if p > i && p < D { return acc + pair(i, p)! }
                    if p == D + i { return acc + boundary(i)! }
                    return acc
                }
            }
            // Reference: every edge of the complete graph.
            var edges: [(Int, Int, Int)] = []
            for i in 0..<D {
                for j in (i + 1)..<D { edges.append((i, j, pair(i, j)!)) }
                if withBoundary {
                    edges.append((i, D + i, boundary(i)!))
                    for j in (i + 1)..<D { edges.append((D + i, D + j, 0)) }
                }
            }
            let reference = BlossomMatching.minimumWeightPerfect(vertexCount: withBoundary ? 2 * D : D, edges: edges)
            XCTAssertFalse(mate.prefix(D).contains(-1), "trial \(trial)")
            XCTAssertEqual(total(mate), total(reference), "trial \(trial): D = \(D), boundary \(withBoundary)")
        }
        XCTAssertGreaterThan(repriced, 20, "the pricing loop was exercised")
    }
}
