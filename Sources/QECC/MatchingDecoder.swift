/// `mwpm`: exact minimum-weight perfect matching on the decoding graph of each CSS half (Dennis, Kitaev, Landahl &
/// Preskill 2002), and the qubits of the space edges on the matched paths as the correction.
///
/// Two exact algorithms (`MatchingAlgorithm`): sparse blossom on the detector graph (the default, `SparseBlossom`:
/// built once per graph, regions grown from the defects), and the reference twin: the defects' shortest-path distances
/// (from the space graph's all-pairs table when the rounds repeat it, `SpaceMetric`; by Dijkstra otherwise), a
/// complete graph over them with one boundary copy per defect when the code has a boundary (copies joined by
/// zero-weight edges), Edmonds' blossom algorithm on a sparse candidate graph priced against the complete one
/// (`PricedMatching`). Both give a minimum-weight matching (equal weights; ties may pick different corrections).
public struct MatchingDecoder: QuantumDecoder, HalfDecoder {
    public let name: String
    public let algorithm: MatchingAlgorithm
    let sparseGraphs: [SparseMatchingGraph]
    /// Per half, per edge: the observables it flips (detector error models only).
    let edgeMasks: [[UInt64]]?
    /// The problem it decodes (nil for a detector error model's graph).
    public let problem: DecodingProblem?
    public let graphs: [DecodingGraph]
    let metrics: [SpaceMetric?]
    let layout: HalfLayout

    /// Most expected detection events a shot in one half: the exact matcher keeps two D × D tables (distances and
    /// pair weights, 8 bytes an entry: 67 MB at D = 2048) and its time grows faster than D² (about two seconds a shot
    /// at D ≈ 1,200 on toric-100).
    public static let maxExpectedDefects = 2048.0

    /// Throws for p or q outside [0, 1], and when a shot would have more than `maxExpectedDefects` defects in a half
    /// on average (saying how many, and that uf scales).
    public init(problem: DecodingProblem, p: Double, q: Double? = nil, name: String = "mwpm") throws {
        let graphs = try problem.matchingGraphs(p: p, q: q)  // checks p and q
        let expected = problem.expectedDefects(p: p, q: q).max() ?? 0
        guard expected <= MatchingDecoder.maxExpectedDefects else {
            throw QECCError(
                String(
                    format: "%@ on %@ at p = %g: about %.0f defects a shot in one half; the exact matcher handles at "
                        + "most %.0f (its tables grow as the square): use uf, a smaller code or a smaller p", name,
                    problem.code.name, p, expected, MatchingDecoder.maxExpectedDefects))
        }
        self.init(
            name: name, problem: problem, graphs: graphs, metrics: graphs.map { SpaceMetric(graph: $0) },
            layout: problem.halfLayout)
    }

    /// The same decoder with the Dijkstra distances even where the space table exists (for tests).
    public func withoutSpaceTable() -> MatchingDecoder {
        MatchingDecoder(
            name: name, problem: problem, graphs: graphs, metrics: graphs.map { _ in nil }, layout: layout,
            algorithm: algorithm, edgeMasks: edgeMasks)
    }

    /// The same decoder running `algorithm` (for tests and benchmarks: the reference twin).
    public func using(_ algorithm: MatchingAlgorithm) -> MatchingDecoder {
        MatchingDecoder(
            name: name, problem: problem, graphs: graphs, metrics: metrics, layout: layout, algorithm: algorithm,
            edgeMasks: edgeMasks)
    }

    init(
        name: String, problem: DecodingProblem?, graphs: [DecodingGraph], metrics: [SpaceMetric?], layout: HalfLayout,
        algorithm: MatchingAlgorithm = .sparseBlossom, edgeMasks: [[UInt64]]? = nil
    ) {
        self.name = name; self.problem = problem; self.graphs = graphs; self.metrics = metrics; self.layout = layout
        self.algorithm = algorithm
        self.edgeMasks = edgeMasks
        sparseGraphs = graphs.indices.map { SparseMatchingGraph(graph: graphs[$0], edgeMasks: edgeMasks?[$0]) }
    }

    public func decode(
        detections: UnsafeBufferPointer<UInt8>, count: Int, into corrections: UnsafeMutableBufferPointer<UInt8>
    ) {
        decodeHalves(detections: detections, count: count, into: corrections)
    }

    /// One shot: the correction [N] and the total matching weight (in the graphs' integer units).
    public func decodeShot(detections: [UInt8]) -> (correction: [UInt8], weight: Int) {
        precondition(detections.count == layout.rounds * layout.syndromeLength)
        var correction = [UInt8](repeating: 0, count: layout.errorLength)
        let weight = detections.withUnsafeBufferPointer { d in
            correction.withUnsafeMutableBufferPointer { decodeHalves(detections: d, count: 1, into: $0) }
        }
        return (correction, weight)
    }

    /// Per thread: Dijkstra's buffers and one sparse-blossom state per half (built on first use, reused shot after
    /// shot).
    struct Workspace {
        var paths: ShortestPaths
        var blossoms: [SparseBlossom?]
    }

    func makeWorkspace() -> Workspace {
        Workspace(
            paths: ShortestPaths(nodeCount: graphs.map(\.nodeCount).max() ?? 0),
            blossoms: [SparseBlossom?](repeating: nil, count: graphs.count))
    }

    func decodeHalf(_ h: Int, defects: [Int], workspace: inout Workspace, correction: UnsafeMutablePointer<UInt8>)
        -> Int
    {
        if algorithm == .sparseBlossom {
            if workspace.blossoms[h] == nil { workspace.blossoms[h] = SparseBlossom(graph: sparseGraphs[h]) }
            if workspace.blossoms[h]!.solve(events: defects) {
                let matches = workspace.blossoms[h]!.matches
                flipPaths(h, matches: matches, paths: &workspace.paths, correction: correction)
                return workspace.blossoms[h]!.weight
            }
            // No perfect matching (a component with an odd number of defects and no boundary): the reference
            // matches what it can.
        }
        return decodeHalfCompleteGraph(h, defects: defects, workspace: &workspace.paths, correction: correction)
    }

    /// Whether predictions can come from the flooded observables: sparse blossom on graphs that carry each edge's
    /// observables (a detector error model with ≤ 64 observables).
    var tracksObservables: Bool { edgeMasks != nil && algorithm == .sparseBlossom }

    /// A detector error model's predictions straight from the matched paths' observables (`SparseBlossom` tracks
    /// them while flooding: no path search): detection rows of `count` shots → predictions [count, observables].
    /// A shot without a perfect matching goes through `decodeHalf` (the reference) and the edges' observables.
    func predictObservables(
        _ rows: DetectionRows, count: Int, observables O: Int, into predictions: UnsafeMutableBufferPointer<UInt8>
    ) {
        precondition(graphs.count == 1 && layout.rounds == 1 && tracksObservables)
        var blossom = SparseBlossom(graph: sparseGraphs[0])
        var paths: ShortestPaths?  // the reference's buffers, built on the first shot that needs them
        ObservablePredictions.run(rows, count: count, observables: O, into: predictions) { defects, _ in
            var mask: UInt64 = 0
            if blossom.solve(events: defects) {
                for e in blossom.matches { mask ^= e.mask }
                return mask
            }
            if paths == nil { paths = makeWorkspace().paths }
            var correction = [UInt8](repeating: 0, count: layout.errorLength)
            _ = correction.withUnsafeMutableBufferPointer {
                decodeHalfCompleteGraph(0, defects: defects, workspace: &paths!, correction: $0.baseAddress!)
            }
            for e in correction.indices where correction[e] != 0 { mask ^= edgeMasks![0][e] }
            return mask
        }
    }

    /// Flip the qubits of a shortest path between each matched pair (from the space table when there is one).
    func flipPaths(
        _ h: Int, matches: [SparseBlossom.CompressedEdge], paths: inout ShortestPaths,
        correction: UnsafeMutablePointer<UInt8>
    ) {
        let graph = graphs[h]
        if let metric = metrics[h] {
            let m = graph.checks
            for e in matches {
                metric.flipPath(
                    graph: graph, from: Int(e.from) % m, to: e.to < 0 ? m : Int(e.to) % m, correction: correction)
            }
            return
        }
        paths.prepare(sources: 1)
        for e in matches {
            let target = e.to < 0 ? graph.boundary! : Int(e.to)
            paths.run(graph: graph, source: Int(e.from), slot: 0, target: target)
            paths.flipPath(graph: graph, slot: 0, to: target, correction: correction)
        }
    }

    func decodeHalfCompleteGraph(
        _ h: Int, defects: [Int], workspace: inout ShortestPaths, correction: UnsafeMutablePointer<UInt8>
    ) -> Int {
        let graph = graphs[h]
        let D = defects.count
        let withBoundary = graph.boundary != nil
        if let metric = metrics[h] {
            let m = graph.checks, ws = graph.spaceWeight, wt = graph.timeWeight
            let (mate, _) = PricedMatching.minimumWeightPerfect(
                defects: D, withBoundary: withBoundary,
                pair: { i, j in
                    guard let hops = metric.hops(defects[i] % m, defects[j] % m) else { return nil }
                    return ws * hops + wt * abs(defects[i] / m - defects[j] / m)
                }, boundary: { i in metric.hops(defects[i] % m, m).map { ws * $0 } })
            var weight = 0
            for i in 0..<D {
                let partner = mate[i]
                if partner > i && partner < D {
                    let (c1, c2) = (defects[i] % m, defects[partner] % m)
                    weight += ws * metric.hops(c1, c2)! + wt * abs(defects[i] / m - defects[partner] / m)
                    metric.flipPath(graph: graph, from: c1, to: c2, correction: correction)
                } else if withBoundary && partner == D + i {
                    weight += ws * metric.hops(defects[i] % m, m)!
                    metric.flipPath(graph: graph, from: defects[i] % m, to: m, correction: correction)
                }
            }
            return weight
        }
        // Dijkstra from defect i to the defects j > i and to the boundary (paths kept per source).
        var distance = [Int](repeating: Int.max, count: D * D)
        var boundaryDistance = [Int](repeating: Int.max, count: D)
        workspace.prepare(sources: D)
        for i in 0..<D {
            workspace.run(graph: graph, source: defects[i], slot: i, targets: Array(defects[(i + 1)...]))
            for j in (i + 1)..<D {
                let dij = workspace.distance(to: defects[j])
                distance[i * D + j] = dij; distance[j * D + i] = dij
            }
            if let b = graph.boundary { boundaryDistance[i] = workspace.distance(to: b) }
        }
        let (mate, _) = PricedMatching.minimumWeightPerfect(
            defects: D, withBoundary: withBoundary,
            pair: { i, j in
                distance[i * D + j] == Int.max ? nil : distance[i * D + j]
            }, boundary: { i in boundaryDistance[i] == Int.max ? nil : boundaryDistance[i] })
        var weight = 0
        for i in 0..<D {
            let partner = mate[i]
            if partner > i && partner < D {
                weight += distance[i * D + partner]
                workspace.flipPath(graph: graph, slot: i, to: defects[partner], correction: correction)
            } else if withBoundary && partner == D + i {
                weight += boundaryDistance[i]
                workspace.flipPath(graph: graph, slot: i, to: graph.boundary!, correction: correction)
            }
        }
        return weight
    }
}

/// The exact matching algorithm of `MatchingDecoder`.
public enum MatchingAlgorithm: String, Sendable, CaseIterable {
    /// Sparse blossom on the detector graph (`SparseBlossom`).
    case sparseBlossom = "sparse-blossom"
    /// The defects' complete graph and a priced dense blossom (`PricedMatching`): the reference twin.
    case completeGraph = "complete-graph"
}

/// Dijkstra's shortest paths from several sources over one decoding graph, reusing its buffers: distances by
/// run stamp (no clearing), the predecessor edge of each node per source slot.
struct ShortestPaths {
    let nodeCount: Int
    var dist: [Int], stamp: [Int], settled: [Int]
    var run = 0
    var predecessor: [Int32] = []
    var heap: [UInt64] = []
    var isTarget: [Int]

    init(nodeCount: Int) {
        self.nodeCount = nodeCount
        dist = [Int](repeating: 0, count: nodeCount)
        stamp = [Int](repeating: -1, count: nodeCount)
        settled = [Int](repeating: -1, count: nodeCount)
        isTarget = [Int](repeating: -1, count: nodeCount)
    }

    mutating func prepare(sources: Int) {
        if predecessor.count < sources * nodeCount { predecessor = [Int32](repeating: -1, count: sources * nodeCount) }
    }

    func distance(to node: Int) -> Int { settled[node] == run ? dist[node] : Int.max }

    /// Settle nodes from `source` until `target` is settled.
    mutating func run(graph: DecodingGraph, source: Int, slot: Int, target: Int) {
        run += 1
        isTarget[target] = run
        settle(graph: graph, source: source, slot: slot, remaining: 1)
    }

    /// Settle nodes from `source` until every target and the boundary, if any, are settled.
    mutating func run(graph: DecodingGraph, source: Int, slot: Int, targets: [Int]) {
        run += 1
        let r = run
        var remaining = 0
        for t in targets where isTarget[t] != r { isTarget[t] = r; remaining += 1 }
        if let b = graph.boundary, isTarget[b] != r { isTarget[b] = r; remaining += 1 }
        settle(graph: graph, source: source, slot: slot, remaining: remaining)
    }

    /// Dijkstra from `source` (this run's stamp) until `remaining` targets are settled.
    mutating func settle(graph: DecodingGraph, source: Int, slot: Int, remaining: Int) {
        let r = run, base = slot * nodeCount
        var remaining = remaining
        heap.removeAll(keepingCapacity: true)
        dist[source] = 0; stamp[source] = r; predecessor[base + source] = -1
        push(UInt64(source))
        while let top = pop() {
            let u = Int(top & 0xFFFF_FFFF), du = Int(top >> 32)
            if settled[u] == r || du != dist[u] { continue }
            settled[u] = r
            if isTarget[u] == r { remaining -= 1; if remaining == 0 { break } }
            if u == graph.boundary { continue }  // paths do not run through the boundary
            for a in graph.adjacencyStart[u]..<graph.adjacencyStart[u + 1] {
                let e = Int(graph.adjacentEdges[a])
                let v = graph.other(e, u)
                let dv = du + graph.edgeWeight[e]
                if stamp[v] != r || dv < dist[v] {
                    stamp[v] = r; dist[v] = dv; predecessor[base + v] = Int32(e)
                    push(UInt64(dv) << 32 | UInt64(v))
                }
            }
        }
    }

    /// Flip the qubits of the space edges on the path from slot's source to `node`.
    func flipPath(graph: DecodingGraph, slot: Int, to node: Int, correction: UnsafeMutablePointer<UInt8>) {
        var v = node
        let base = slot * nodeCount
        while true {
            let e = Int(predecessor[base + v])
            if e < 0 { return }
            let q = graph.edgeQubit[e]
            if q >= 0 { correction[Int(q)] ^= 1 }
            v = graph.other(e, v)
        }
    }

    mutating func push(_ x: UInt64) {
        heap.append(x)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) >> 1
            if heap[parent] <= x { break }
            heap[i] = heap[parent]; i = parent
        }
        heap[i] = x
    }

    mutating func pop() -> UInt64? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        var i = 0
        let count = heap.count
        while true {
            var child = 2 * i + 1
            if child >= count { break }
            if child + 1 < count && heap[child + 1] < heap[child] { child += 1 }
            if heap[child] >= last { break }
            heap[i] = heap[child]; i = child
        }
        heap[i] = last
        return top
    }
}
