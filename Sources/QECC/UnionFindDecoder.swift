/// `uf`: the Union-Find decoder (Delfosse & Nickerson, "Almost-linear time decoding algorithm for topological
/// codes", Quantum 5, 595, 2021) on each CSS half's decoding graph.
///
/// Every cluster with an odd number of defects that does not touch the boundary grows by half an edge on its whole
/// border per step; an edge grown from both sides (or twice from one) is fully grown and joins its two clusters
/// (union by size, path compression). When no odd cluster is left, the peeling decoder finds the correction in a
/// spanning forest of the fully grown edges: leaves first, a defect at a leaf flips the edge to its parent and
/// moves to it; trees that reach the boundary are rooted there. Edge weights are ignored (uniform growth).
public struct UnionFindDecoder: QuantumDecoder, HalfDecoder {
    public let name: String
    public let problem: DecodingProblem
    public let graphs: [DecodingGraph]

    public init(problem: DecodingProblem, p: Double, q: Double? = nil, name: String = "uf") throws {
        self.name = name
        self.problem = problem
        self.graphs = try problem.matchingGraphs(p: p, q: q)
    }

    public func decode(detections: UnsafeBufferPointer<UInt8>, count: Int, into corrections: UnsafeMutableBufferPointer<UInt8>) {
        decodeHalves(detections: detections, count: count, into: corrections)
    }

    func makeWorkspace() -> UnionFindWorkspace {
        UnionFindWorkspace(nodes: graphs.map(\.nodeCount).max() ?? 0, edges: graphs.map(\.edgeCount).max() ?? 0)
    }

    func decodeHalf(_ h: Int, defects: [Int], workspace w: inout UnionFindWorkspace, correction: UnsafeMutablePointer<UInt8>) -> Int {
        let graph = graphs[h]
        w.begin()
        for d in defects { w.add(d, defect: true, boundary: d == graph.boundary) }
        var active = defects
        var fused: [Int] = []
        while true {
            // Odd clusters that do not touch the boundary, one entry per root.
            w.round += 1
            active = active.map { w.find($0) }.filter { r in
                guard w.parity[r] == 1, !w.touchesBoundary[r], w.roundMark[r] != w.round else { return false }
                w.roundMark[r] = w.round
                return true
            }
            if active.isEmpty { break }
            fused.removeAll(keepingCapacity: true)
            var grew = false
            for r in active {
                var kept = 0
                var members = w.members[r]
                for u in members {
                    var open = false
                    for a in graph.adjacencyStart[u]..<graph.adjacencyStart[u + 1] {
                        let e = Int(graph.adjacentEdges[a])
                        let g = w.growth(e)
                        guard g < 2 else { continue }
                        w.setGrowth(e, g + 1)
                        grew = true
                        if g + 1 == 2 { fused.append(e) } else { open = true }
                    }
                    if open { members[kept] = u; kept += 1 }
                }
                members.removeLast(members.count - kept)
                w.frontierSwap(r, members)
            }
            if !grew { break }          // an odd cluster spanning its whole component: no valid correction exists
            for e in fused {
                let u = Int(graph.edgeU[e]), v = Int(graph.edgeV[e])
                for x in [u, v] where !w.contains(x) { w.add(x, defect: false, boundary: x == graph.boundary) }
                w.union(u, v)
            }
        }
        return w.peel(graph: graph, defects: defects, correction: correction)
    }
}
