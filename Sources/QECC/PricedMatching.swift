/// Minimum-weight perfect matching of the complete graph over the defects (and their boundary copies), exact, but
/// solved on a sparse candidate graph: each defect's `neighbours` nearest defects, its boundary copy, and copy–copy
/// edges along those pairs. The blossom algorithm's final duals then price every edge left out (its slack, blossoms
/// included); edges of negative slack join the candidates and the matching is solved again, until none is left. At
/// that point the duals are feasible for the complete graph, which proves the matching optimal on it.
///
/// Vertices 0..<D are the defects, D..<2D their boundary copies (when `withBoundary`): copy D + i is joined to i with
/// weight boundary(i) and to every other copy with weight 0. A defect pair heavier than both boundary distances
/// together is never needed and is not an edge.
enum PricedMatching {
    static func minimumWeightPerfect(
        defects D: Int, withBoundary: Bool, neighbours k: Int = 10,
        pair: (Int, Int) -> Int?, boundary: (Int) -> Int?
    ) -> (mate: [Int], rounds: Int) {
        let n = withBoundary ? 2 * D : D
        guard D > 0 else { return ([], 0) }
        var pairWeight = [Int](repeating: -1, count: D * D)
        var boundaryWeight = [Int](repeating: -1, count: D)
        var top = 0
        for i in 0..<D {
            if withBoundary, let b = boundary(i) { boundaryWeight[i] = b; top = max(top, b) }
        }
        for i in 0..<D {
            for j in (i + 1)..<D {
                guard let w = pair(i, j) else { continue }
                if withBoundary, boundaryWeight[i] >= 0, boundaryWeight[j] >= 0,
                    w > boundaryWeight[i] + boundaryWeight[j]
                {
                    continue
                }
                pairWeight[i * D + j] = w; pairWeight[j * D + i] = w
                top = max(top, w)
            }
        }
        let C = top + 1
        /// The weight of edge (u, v) of the complete graph, u < v, or nil.
        func weight(_ u: Int, _ v: Int) -> Int? {
            if v < D { let w = pairWeight[u * D + v]; return w < 0 ? nil : w }
            if u < D { return v == D + u && boundaryWeight[u] >= 0 ? boundaryWeight[u] : nil }
            return 0
        }
        var inGraph = [Bool](repeating: false, count: n * n)
        var edges: [(Int, Int, Int)] = []
        func add(_ a: Int, _ b: Int) {
            let (u, v) = a < b ? (a, b) : (b, a)
            guard u != v, !inGraph[u * n + v], let w = weight(u, v) else { return }
            inGraph[u * n + v] = true
            edges.append((u, v, C - w))
        }
        // Each defect's k nearest defects (insertion into a sorted buffer of k: O(D·k)).
        var nearest = [Int](repeating: 0, count: k + 1)
        for i in 0..<D {
            var count = 0
            for j in 0..<D where j != i {
                let w = pairWeight[i * D + j]
                guard w >= 0, count < k || w < pairWeight[i * D + nearest[count - 1]] else { continue }
                var slot = min(count, k - 1)
                if count < k { count += 1 }
                while slot > 0 && pairWeight[i * D + nearest[slot - 1]] > w {
                    nearest[slot] = nearest[slot - 1]; slot -= 1
                }
                nearest[slot] = j
            }
            for j in nearest[0..<count] {
                add(i, j)
                if withBoundary { add(D + i, D + j) }
            }
            if withBoundary {
                add(i, D + i)
                if i + 1 < D { add(D + i, D + i + 1) }
            }
        }
        var rounds = 0
        while true {
            rounds += 1
            let solver = BlossomMatching.solved(vertexCount: n, edges: edges, maxCardinality: true)
            let mate = solver.partners
            if mate.contains(-1) {
                // No perfect matching on the candidates: take every edge (it then exists or never does).
                let before = edges.count
                for u in 0..<n { for v in (u + 1)..<n { add(u, v) } }
                if edges.count == before { return (mate, rounds) }
                continue
            }
            var added = false
            for u in 0..<n {
                for v in (u + 1)..<n where !inGraph[u * n + v] {
                    guard let w = weight(u, v), solver.slack(u, v, weight: C - w) < 0 else { continue }
                    add(u, v)
                    added = true
                }
            }
            if !added { return (mate, rounds) }
        }
    }
}
