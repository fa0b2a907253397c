/// The detector graph sparse blossom floods (`SparseBlossom`), built once per decoding graph: CSR adjacency over
/// the detectors (the boundary is not a node: an edge to it is a neighbour −1), doubled integer weights (so regions
/// growing towards each other meet at integer times), and per neighbour the decoding graph's edge (for paths) and the
/// observables it flips (a bit mask, when there are at most 64).
///
/// Parallel edges (two qubits between the same checks, two boundary qubits at one check) keep the lightest: matching
/// only ever uses the shortest.
struct SparseMatchingGraph: Sendable {
    let nodeCount: Int
    /// Node u's neighbours are `neighbour[start[u] ..< start[u + 1]]`.
    let start: [Int32]
    /// −1: the boundary.
    let neighbour: [Int32]
    /// 2 × the decoding graph's weight.
    let weight: [Int]
    /// The decoding graph's edge index.
    let edge: [Int32]
    /// The observables a path across the edge flips (bit o: observable o).
    let mask: [UInt64]
    /// The heaviest doubled weight (for bounds on the flooding times).
    let maxWeight: Int
    /// Every decoding-graph edge behind each slot (parallel edges included), for per-shot weights:
    /// `slotEdges[slotEdgeStart[k] ..< slotEdgeStart[k + 1]]`.
    let slotEdgeStart: [Int32], slotEdges: [Int32]
    /// The decoding graph's edge count, and per edge its observables (empty when none are tracked).
    let edgeCount: Int, edgeMasks: [UInt64]

    /// `edgeMasks`: per decoding-graph edge, the observables it flips (nil: none tracked).
    init(graph: DecodingGraph, edgeMasks: [UInt64]? = nil) {
        let n = graph.detectorCount
        var start = [Int32](repeating: 0, count: n + 1)
        var neighbour: [Int32] = [], weight: [Int] = [], edge: [Int32] = [], mask: [UInt64] = []
        neighbour.reserveCapacity(2 * graph.edgeCount)
        var slot = [Int32](repeating: -1, count: n + 1)  // slot[v]: v's position in u's list (n: the boundary)
        var parallel: [[Int32]] = []
        for u in 0..<n {
            let first = neighbour.count
            for a in graph.adjacencyStart[u]..<graph.adjacencyStart[u + 1] {
                let e = Int(graph.adjacentEdges[a])
                let v = graph.other(e, u)
                if v == u { continue }  // a self-loop never enters a matching
                let key = v == graph.boundary ? n : v
                let w = 2 * graph.edgeWeight[e]
                if slot[key] >= 0 {
                    let k = Int(slot[key])
                    parallel[k].append(Int32(e))
                    if w < weight[k] { weight[k] = w; edge[k] = Int32(e); mask[k] = edgeMasks?[e] ?? 0 }
                    continue
                }
                slot[key] = Int32(neighbour.count)
                parallel.append([Int32(e)])
                neighbour.append(key == n ? -1 : Int32(v))
                weight.append(w); edge.append(Int32(e)); mask.append(edgeMasks?[e] ?? 0)
            }
            for k in first..<neighbour.count { slot[neighbour[k] < 0 ? n : Int(neighbour[k])] = -1 }
            start[u + 1] = Int32(neighbour.count)
        }
        nodeCount = n
        self.start = start; self.neighbour = neighbour; self.weight = weight; self.edge = edge; self.mask = mask
        maxWeight = weight.max() ?? 0
        var starts: [Int32] = [0], flat: [Int32] = []
        for list in parallel {
            flat.append(contentsOf: list)
            starts.append(Int32(flat.count))
        }
        slotEdgeStart = starts; slotEdges = flat
        edgeCount = graph.edgeCount
        self.edgeMasks = edgeMasks ?? []
    }
}
