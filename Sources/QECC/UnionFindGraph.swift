/// The decoding graph as `UnionFindDecoder` walks it, built once per graph and shared read-only by every thread:
/// the decoding graph's CSR adjacency, edge ends and qubits copied into raw buffers (no bounds, uniqueness or retain
/// checks in the hot loops).
///
/// Node u's incident edges are `edge[start[u] ..< start[u + 1]]`, the node across each `neighbour[…]` at the same
/// index (the boundary is an ordinary node here, `boundary`; it never grows); edge e joins `edgeU[e]` and `edgeV[e]`
/// and flips `qubit[e]` (−1: a time edge).
final class UnionFindGraph: @unchecked Sendable {
    let nodeCount: Int, edgeCount: Int
    /// The boundary node, or −1.
    let boundary: Int
    let start: UnsafeMutablePointer<Int32>, edge: UnsafeMutablePointer<Int32>, neighbour: UnsafeMutablePointer<Int32>
    let edgeU: UnsafeMutablePointer<Int32>, edgeV: UnsafeMutablePointer<Int32>, qubit: UnsafeMutablePointer<Int32>
    /// Per node: its edge to the boundary, or −1.
    let boundaryEdge: UnsafeMutablePointer<Int32>
    private let storage = FixedBuffers()

    init(_ graph: DecodingGraph) {
        nodeCount = graph.nodeCount
        edgeCount = graph.edgeCount
        boundary = graph.boundary ?? -1
        let b = storage
        start = b.make(nodeCount + 1, 0)
        edge = b.make(graph.adjacentEdges.count, 0); neighbour = b.make(graph.adjacentEdges.count, 0)
        edgeU = b.make(edgeCount, 0); edgeV = b.make(edgeCount, 0); qubit = b.make(edgeCount, -1)
        boundaryEdge = b.make(nodeCount, -1)
        for u in 0...nodeCount { start[u] = Int32(graph.adjacencyStart[u]) }
        for u in 0..<nodeCount {
            for a in graph.adjacencyStart[u]..<graph.adjacencyStart[u + 1] {
                edge[a] = graph.adjacentEdges[a]
                neighbour[a] = Int32(graph.other(Int(edge[a]), u))
                if Int(neighbour[a]) == boundary { boundaryEdge[u] = edge[a] }
            }
        }
        for e in 0..<edgeCount { edgeU[e] = graph.edgeU[e]; edgeV[e] = graph.edgeV[e]; qubit[e] = graph.edgeQubit[e] }
    }
}
