import Base
import QECC
import XCTest

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
            let n = 2 * (1 + Int(rng.next() % 5))                   // 2…10 vertices
            let density = [0.4, 0.7, 1.0][trial % 3]
            var w = [[Int?]](repeating: [Int?](repeating: nil, count: n), count: n)
            var edges: [(Int, Int, Int)] = []
            for i in 0..<n {
                for j in (i + 1)..<n where rng.nextDouble() < density {
                    let weight = Int(rng.next() % (trial % 2 == 0 ? 4 : 100))      // many ties on even trials
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
        let mate = BlossomMatching.maximumWeight(vertexCount: 4, edges: [(0, 1, 1), (1, 2, 3), (2, 3, 1)], maxCardinality: false)
        XCTAssertEqual(mate, [-1, 2, 1, -1])
        // With maximum cardinality it must take both ends.
        let perfect = BlossomMatching.maximumWeight(vertexCount: 4, edges: [(0, 1, 1), (1, 2, 3), (2, 3, 1)], maxCardinality: true)
        XCTAssertEqual(perfect, [1, 0, 3, 2])
        // A blossom: triangle 0-1-2 with a pendant 3 on vertex 2.
        let blossom = BlossomMatching.minimumWeightPerfect(vertexCount: 4, edges: [(0, 1, 1), (1, 2, 1), (0, 2, 1), (2, 3, 5)])
        XCTAssertEqual(blossom, [1, 0, 3, 2])
    }
}
