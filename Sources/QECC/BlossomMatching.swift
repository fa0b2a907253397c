/// Maximum-weight matching in a general graph by Edmonds' blossom algorithm with dual variables (the O(n³)
/// primal–dual method; Galil, "Efficient algorithms for finding maximum matching in graphs", ACM Computing
/// Surveys 18(1), 1986). Integer weights keep every dual update exact.
///
/// `maxCardinality` restricts the search to matchings of maximum cardinality: with it, on a graph that has a
/// perfect matching, maximising Σ(C − w) finds the minimum-weight perfect matching (`minimumWeightPerfect`).
///
/// Vertices 0..<n, edges (u, v, w) with u ≠ v. Blossoms are numbered n..<2n. An edge k has the endpoints 2k (its
/// u) and 2k + 1 (its v); `mate[v]` is the endpoint at the far side of v's matched edge, −1 when v is single.
public struct BlossomMatching {
    let n: Int
    let edgeU: [Int], edgeV: [Int]
    var weight: [Int]
    /// 2 after `jumpStart` doubled the weights, else 1.
    var weightScale = 1
    var endpoint: [Int]
    /// CSR lists of the far endpoints of each vertex's edges: `neighbourEndpoints[neighbourStart[v] ..< neighbourStart[v + 1]]`.
    let neighbourStart: [Int]
    let neighbourEndpoints: [Int]
    var mate: [Int]
    var label: [Int]  // 0 free, 1 S (outer), 2 T (inner); bit 4 marks during scanBlossom
    var labelEnd: [Int]
    var inBlossom: [Int]
    var blossomParent: [Int]
    var blossomChildren: [[Int]]
    var blossomBase: [Int]
    var blossomEndpoints: [[Int]]
    var bestEdge: [Int]
    var blossomBestEdges: [[Int]?]
    var unusedBlossoms: [Int]
    var dual: [Int]
    var allowEdge: [Bool]
    var queue: [Int]

    /// Minimum-weight perfect matching: for each vertex its partner, or −1 when no perfect matching exists and the
    /// vertex stays single in the maximum-cardinality matching found.
    public static func minimumWeightPerfect(vertexCount n: Int, edges: [(Int, Int, Int)]) -> [Int] {
        let top = (edges.map(\.2).max() ?? 0) + 1
        return maximumWeight(vertexCount: n, edges: edges.map { ($0.0, $0.1, top - $0.2) }, maxCardinality: true)
    }

    /// A maximum-weight matching (of maximum cardinality when asked): each vertex's partner or −1.
    public static func maximumWeight(vertexCount n: Int, edges: [(Int, Int, Int)], maxCardinality: Bool) -> [Int] {
        guard n > 0, !edges.isEmpty else { return [Int](repeating: -1, count: max(n, 0)) }
        return solved(vertexCount: n, edges: edges, maxCardinality: maxCardinality).partners
    }

    /// The solver after a maximum-weight matching (of maximum cardinality when asked), with its final duals.
    public static func solved(vertexCount n: Int, edges: [(Int, Int, Int)], maxCardinality: Bool) -> BlossomMatching {
        var m = BlossomMatching(n: n, edges: edges)
        if n > 0 && !edges.isEmpty {
            if maxCardinality { m.jumpStart() }
            m.solve(maxCardinality: maxCardinality)
        }
        return m
    }

    /// Each vertex's partner, or −1.
    public var partners: [Int] { (0..<n).map { mate[$0] >= 0 ? endpoint[mate[$0]] : -1 } }

    /// The slack of a (possibly absent) edge (u, v) of weight w under the final duals, blossoms included:
    /// π_u + π_v − 2w + 2·Σ z_B over the blossoms holding both. Every edge of a graph has slack ≥ 0 exactly when
    /// these duals prove the matching optimal on that graph too (LP duality for the matching polytope).
    public func slack(_ u: Int, _ v: Int, weight w: Int) -> Int {
        var s = dual[u] + dual[v] - 2 * weightScale * w
        // The lowest blossom holding both, then it and its ancestors (chains are short: no allocation).
        var b = blossomParent[u]
        while b != -1 {
            var c = blossomParent[v]
            while c != -1 && c != b { c = blossomParent[c] }
            if c == b { break }
            b = blossomParent[b]
        }
        while b != -1 { s += 2 * dual[b]; b = blossomParent[b] }
        return s
    }

    init(n: Int, edges: [(Int, Int, Int)]) {
        self.n = n
        edgeU = edges.map(\.0); edgeV = edges.map(\.1); weight = edges.map(\.2)
        endpoint = [Int](repeating: 0, count: 2 * edges.count)
        var start = [Int](repeating: 0, count: n + 1)
        for (k, e) in edges.enumerated() {
            precondition(e.0 != e.1 && e.0 >= 0 && e.1 >= 0 && e.0 < n && e.1 < n, "BlossomMatching: bad edge \(e)")
            endpoint[2 * k] = e.0; endpoint[2 * k + 1] = e.1
            start[e.0 + 1] += 1; start[e.1 + 1] += 1
        }
        for v in 0..<n { start[v + 1] += start[v] }
        var fill = start, list = [Int](repeating: 0, count: 2 * edges.count)
        for (k, e) in edges.enumerated() {
            list[fill[e.0]] = 2 * k + 1; fill[e.0] += 1
            list[fill[e.1]] = 2 * k; fill[e.1] += 1
        }
        neighbourStart = start
        neighbourEndpoints = list
        let maxWeight = max(0, weight.max() ?? 0)
        mate = [Int](repeating: -1, count: n)
        label = [Int](repeating: 0, count: 2 * n)
        labelEnd = [Int](repeating: -1, count: 2 * n)
        inBlossom = Array(0..<n)
        blossomParent = [Int](repeating: -1, count: 2 * n)
        blossomChildren = [[Int]](repeating: [], count: 2 * n)
        blossomBase = Array(0..<n) + [Int](repeating: -1, count: n)
        blossomEndpoints = [[Int]](repeating: [], count: 2 * n)
        bestEdge = [Int](repeating: -1, count: 2 * n)
        blossomBestEdges = [[Int]?](repeating: nil, count: 2 * n)
        unusedBlossoms = Array(n..<(2 * n))
        dual = [Int](repeating: maxWeight, count: n) + [Int](repeating: 0, count: n)
        allowEdge = [Bool](repeating: false, count: edges.count)
        queue = []
    }

    /// A feasible start with a greedy matching (maximum-cardinality mode only): each vertex's dual is its heaviest
    /// edge's weight, doubled (so every dual is even: the free vertices, the roots of every stage, share a parity and
    /// the slack between S vertices stays even, which keeps δ₃ integral); an edge that is the heaviest at both ends is
    /// tight and joins the matching when both ends are single. Weights are doubled with the duals; the matching the
    /// algorithm ends with is optimal for the original weights (the same up to scale).
    mutating func jumpStart() {
        for k in weight.indices { weight[k] *= 2 }
        weightScale = 2
        for v in 0..<n {
            var best = Int.min
            for a in neighbourStart[v]..<neighbourStart[v + 1] { best = max(best, weight[neighbourEndpoints[a] >> 1]) }
            dual[v] = best == Int.min ? 0 : best
        }
        for v in 0..<n where mate[v] == -1 {
            for a in neighbourStart[v]..<neighbourStart[v + 1] {
                let p = neighbourEndpoints[a], w = endpoint[p]
                guard mate[w] == -1, slack(p >> 1) == 0 else { continue }
                mate[v] = p; mate[w] = p ^ 1
                break
            }
        }
    }

    /// Twice the slack of edge k: π_u + π_v − 2w (the vertex duals of this formulation are doubled).
    @inline(__always) func slack(_ k: Int) -> Int { dual[edgeU[k]] + dual[edgeV[k]] - 2 * weight[k] }

    /// The vertices inside blossom b (b itself when it is a vertex).
    func leaves(_ b: Int) -> [Int] {
        if b < n { return [b] }
        var out: [Int] = [], stack = [b]
        while let t = stack.popLast() {
            if t < n { out.append(t) } else { stack.append(contentsOf: blossomChildren[t]) }
        }
        return out
    }
}
