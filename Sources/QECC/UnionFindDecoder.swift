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
    /// The problem it decodes (nil for a detector error model's graph).
    public let problem: DecodingProblem?
    public let graphs: [DecodingGraph]
    /// The graphs as the growth and peeling loops read them (built once).
    let views: [UnionFindGraph]
    let layout: HalfLayout
    /// Shots of isolated pairs take `UnionFindWorkspace.isolatedPairs` (the same correction; false in tests for the
    /// plain path).
    var shortcutsIsolatedPairs = true

    public init(problem: DecodingProblem, p: Double, q: Double? = nil, name: String = "uf") throws {
        self.init(
            name: name, problem: problem, graphs: try problem.matchingGraphs(p: p, q: q), layout: problem.halfLayout)
    }

    init(name: String, problem: DecodingProblem?, graphs: [DecodingGraph], layout: HalfLayout) {
        self.name = name; self.problem = problem; self.graphs = graphs; self.layout = layout
        views = graphs.map(UnionFindGraph.init)
    }

    public func decode(
        detections: UnsafeBufferPointer<UInt8>, count: Int, into corrections: UnsafeMutableBufferPointer<UInt8>
    ) {
        decodeHalves(detections: detections, count: count, into: corrections)
    }

    func makeWorkspace() -> UnionFindWorkspace {
        UnionFindWorkspace(nodes: graphs.map(\.nodeCount).max() ?? 0, edges: graphs.map(\.edgeCount).max() ?? 0)
    }

    func decodeHalf(
        _ h: Int, defects: [Int], workspace w: inout UnionFindWorkspace, correction: UnsafeMutablePointer<UInt8>
    ) -> Int {
        let graph = views[h]
        return correct(graph, defects: defects, workspace: &w) { correction[Int(graph.qubit[$0])] ^= 1 }
    }

    /// One shot's correction on one graph: each flipped space edge through `flip`; returns their count. Shots of
    /// isolated pairs take `UnionFindWorkspace.isolatedPairs`, the rest growth and peeling.
    func correct(
        _ graph: UnionFindGraph, defects: [Int], workspace w: inout UnionFindWorkspace, flip: (Int) -> Void
    ) -> Int {
        if shortcutsIsolatedPairs, let flipped = w.isolatedPairs(graph: graph, defects: defects, flip: flip) {
            return flipped
        }
        grow(graph, defects: defects, workspace: &w)
        return w.peel(graph: graph, defects: defects, flip: flip)
    }

    /// A detector error model's predictions from the peeled edges' observables (`edgeMasks`, ≤ 64 observables):
    /// detection rows of `count` shots → predictions [count, observables].
    func predictObservables(
        _ rows: DetectionRows, count: Int, observables O: Int, edgeMasks: [UInt64],
        into predictions: UnsafeMutableBufferPointer<UInt8>
    ) {
        precondition(graphs.count == 1 && layout.rounds == 1)
        let graph = views[0]
        var w = makeWorkspace()
        ObservablePredictions.run(rows, count: count, observables: O, into: predictions) { defects, _ in
            var mask: UInt64 = 0
            edgeMasks.withUnsafeBufferPointer { masks in
                _ = correct(graph, defects: defects, workspace: &w) { mask ^= masks[$0] }
            }
            return mask
        }
    }

    /// Grow the odd clusters until none is left (or none can grow).
    func grow(_ graph: UnionFindGraph, defects: [Int], workspace w: inout UnionFindWorkspace) {
        w.begin()
        for d in defects { w.add(d, defect: true, boundary: d == graph.boundary) }
        w.activeCount = 0
        for d in defects {
            w.active[w.activeCount] = d
            w.activeCount += 1
        }
        while true {
            // Odd clusters that do not touch the boundary, one entry per root.
            w.round += 1
            var kept = 0
            for i in 0..<w.activeCount {
                let r = w.find(w.active[i])
                guard w.parity[r] == 1, !w.touchesBoundary[r], w.roundMark[r] != w.round else { continue }
                w.roundMark[r] = w.round
                w.active[kept] = r; kept += 1
            }
            w.activeCount = kept
            if kept == 0 { break }
            w.fusedCount = 0
            var grew = false
            for i in 0..<w.activeCount where w.grow(w.active[i], graph: graph) { grew = true }
            if !grew {  // an odd cluster spanning its whole component: no valid correction exists
                w.stuck = true
                break
            }
            for i in 0..<w.fusedCount {
                let e = w.fused[i]
                let u = Int(graph.edgeU[e]), v = Int(graph.edgeV[e])
                if w.contains(u) {
                    w.join(u, v, edge: e, boundary: graph.boundary)
                } else {  // v is in a cluster (a grown edge has a growing end)
                    w.add(u, defect: false, boundary: u == graph.boundary)
                    w.union(u, v, edge: e)
                }
            }
        }
    }
}
