import Base
import Foundation
import GF2

/// The matching graph of one CSS half over T measurement rounds (docs/DESIGN.md §8).
///
/// Detector (check c, round t) is node t·m + c. Each qubit j gives one space edge per round between the (one or two)
/// checks of its column: with one check the edge goes to the boundary node (index `detectorCount`). Each check gives
/// a time edge between rounds t and t + 1 (a faulty measurement at round t). Weights are integers (log-likelihood
/// ratios scaled by the caller); space edges carry their qubit, time edges −1.
///
/// A column of weight > 2 has no edge: matching does not apply and `init` throws, naming the column.
public struct DecodingGraph: Sendable {
    public let checks: Int
    public let rounds: Int
    public let qubits: Int
    public var detectorCount: Int { checks * rounds }
    /// The boundary node, when some qubit is seen by one check only.
    public let boundary: Int?
    public var nodeCount: Int { detectorCount + (boundary == nil ? 0 : 1) }
    public let edgeU: [Int32], edgeV: [Int32], edgeQubit: [Int32], edgeWeight: [Int]
    /// The weight of every space edge and of every time edge.
    public let spaceWeight: Int, timeWeight: Int
    /// CSR adjacency: the edges at node u are `adjacentEdges[adjacencyStart[u] ..< adjacencyStart[u + 1]]`.
    public let adjacencyStart: [Int], adjacentEdges: [Int32]
    public var edgeCount: Int { edgeU.count }

    public init(checkMatrix h: BitMatrix, rounds: Int, spaceWeight: Int, timeWeight: Int, name: String = "H") throws {
        guard rounds >= 1 else { throw QECCError("rounds must be ≥ 1, got \(rounds)") }
        guard spaceWeight >= 0, timeWeight >= 0 else { throw QECCError("edge weights must be ≥ 0") }
        let m = h.rows, n = h.columns
        var columnChecks = [[Int]](repeating: [], count: n)
        for r in 0..<m { for j in h.row(r).support { columnChecks[j].append(r) } }
        if let bad = columnChecks.firstIndex(where: { $0.count > 2 }) {
            throw QECCError(
                "\(name): qubit \(bad) is in \(columnChecks[bad].count) checks (\(columnChecks[bad])); "
                    + "matching needs every column of weight ≤ 2")
        }
        let needsBoundary = columnChecks.contains { $0.count == 1 }
        let boundary = needsBoundary ? m * rounds : nil
        var u: [Int32] = [], v: [Int32] = [], q: [Int32] = [], w: [Int] = []
        for t in 0..<rounds {
            for j in 0..<n where !columnChecks[j].isEmpty {
                let c = columnChecks[j]
                u.append(Int32(t * m + c[0]))
                v.append(Int32(c.count == 2 ? t * m + c[1] : boundary!))
                q.append(Int32(j)); w.append(spaceWeight)
            }
            if t + 1 < rounds {
                for c in 0..<m {
                    u.append(Int32(t * m + c)); v.append(Int32((t + 1) * m + c)); q.append(-1); w.append(timeWeight)
                }
            }
        }
        self.init(
            checks: m, rounds: rounds, qubits: n, boundary: boundary, edges: (u, v, q, w),
            weights: (spaceWeight, timeWeight))
    }

    /// A graph from its edges (u, v, qubit or −1, weight): nodes 0 ..< checks·rounds, then the boundary.
    init(
        checks m: Int, rounds: Int, qubits n: Int, boundary: Int?, edges: ([Int32], [Int32], [Int32], [Int]),
        weights: (space: Int, time: Int)
    ) {
        let (u, v, q, w) = edges
        let nodes = m * rounds + (boundary == nil ? 0 : 1)
        var degree = [Int](repeating: 0, count: nodes + 1)
        for e in u.indices { degree[Int(u[e]) + 1] += 1; degree[Int(v[e]) + 1] += 1 }
        for i in 0..<nodes { degree[i + 1] += degree[i] }
        var fill = degree, adjacency = [Int32](repeating: 0, count: 2 * u.count)
        for e in u.indices {
            adjacency[fill[Int(u[e])]] = Int32(e); fill[Int(u[e])] += 1
            adjacency[fill[Int(v[e])]] = Int32(e); fill[Int(v[e])] += 1
        }
        self.checks = m; self.rounds = rounds; self.qubits = n
        self.spaceWeight = weights.space; self.timeWeight = weights.time
        self.boundary = boundary
        edgeU = u; edgeV = v; edgeQubit = q; edgeWeight = w
        adjacencyStart = degree; adjacentEdges = adjacency
    }

    /// The node at the other end of edge e from node x.
    @inline(__always) public func other(_ e: Int, _ x: Int) -> Int {
        Int(edgeU[e]) == x ? Int(edgeV[e]) : Int(edgeU[e])
    }
}

/// Integer edge weights from probabilities: w = log((1 − p)/p), scaled so the larger of the two classes is
/// `resolution`; a class at p = 0 (never happens) gets 4·resolution, at p ≥ ½ weight 0.
public func matchingWeights(space p: Double, time q: Double?, resolution: Int = 1 << 12) -> (space: Int, time: Int) {
    func llr(_ x: Double) -> Double? { x <= 0 ? nil : x >= 0.5 ? 0 : logOdds(x) }
    let ls = llr(p), lt = q.flatMap(llr)
    let finite = [ls, lt].compactMap { $0 }
    let top = finite.max() ?? 1
    func scale(_ l: Double?) -> Int {
        guard let l else { return 4 * resolution }
        return top > 0 ? max(l > 0 ? 1 : 0, Int((l / top * Double(resolution)).rounded())) : 1
    }
    return (scale(ls), q == nil ? 0 : scale(lt))
}
