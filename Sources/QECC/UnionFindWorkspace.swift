/// The clusters, edge growth and peeling forest of one `UnionFindDecoder` call, reused across shots: every array
/// is valid only where its stamp equals the current shot, so nothing is cleared between shots.
struct UnionFindWorkspace {
    var shot = 0, round = 0
    var nodeStamp: [Int], edgeStamp: [Int]
    var parent: [Int], size: [Int], parity: [UInt8], touchesBoundary: [Bool], roundMark: [Int]
    /// Border nodes of each root's cluster (nodes with an edge not yet fully grown).
    var members: [[Int]]
    var edgeGrowth: [UInt8]
    var visited: [Int], parentEdge: [Int32], mark: [UInt8]

    init(nodes: Int, edges: Int) {
        nodeStamp = [Int](repeating: -1, count: nodes); edgeStamp = [Int](repeating: -1, count: edges)
        parent = [Int](repeating: 0, count: nodes); size = [Int](repeating: 0, count: nodes)
        parity = [UInt8](repeating: 0, count: nodes); touchesBoundary = [Bool](repeating: false, count: nodes)
        roundMark = [Int](repeating: -1, count: nodes)
        members = [[Int]](repeating: [], count: nodes)
        edgeGrowth = [UInt8](repeating: 0, count: edges)
        visited = [Int](repeating: -1, count: nodes); parentEdge = [Int32](repeating: -1, count: nodes)
        mark = [UInt8](repeating: 0, count: nodes)
    }

    mutating func begin() { shot += 1 }

    func contains(_ x: Int) -> Bool { nodeStamp[x] == shot }

    mutating func add(_ x: Int, defect: Bool, boundary: Bool) {
        nodeStamp[x] = shot
        parent[x] = x; size[x] = 1
        parity[x] = defect ? 1 : 0
        touchesBoundary[x] = boundary
        members[x] = boundary ? [] : [x]          // the boundary never grows
    }

    func growth(_ e: Int) -> UInt8 { edgeStamp[e] == shot ? edgeGrowth[e] : 0 }

    mutating func setGrowth(_ e: Int, _ g: UInt8) { edgeStamp[e] = shot; edgeGrowth[e] = g }

    mutating func frontierSwap(_ root: Int, _ list: [Int]) { members[root] = list }

    mutating func find(_ x: Int) -> Int {
        var r = x
        while parent[r] != r { r = parent[r] }
        var y = x
        while parent[y] != r { let next = parent[y]; parent[y] = r; y = next }
        return r
    }

    mutating func union(_ a: Int, _ b: Int) {
        var ra = find(a), rb = find(b)
        guard ra != rb else { return }
        if size[ra] < size[rb] { swap(&ra, &rb) }
        parent[rb] = ra
        size[ra] += size[rb]
        parity[ra] ^= parity[rb]
        touchesBoundary[ra] = touchesBoundary[ra] || touchesBoundary[rb]
        members[ra].append(contentsOf: members[rb])
        members[rb] = []
    }

    /// Peeling (Delfosse & Zémor 2020) on the fully grown edges: a breadth-first forest, rooted at the boundary when
    /// a tree reaches it, processed from the leaves. Returns the number of space edges flipped. Marks are zero
    /// between shots (every marked node is in `order` and cleared at the end).
    mutating func peel(graph: DecodingGraph, defects: [Int], correction: UnsafeMutablePointer<UInt8>) -> Int {
        var order: [Int] = []
        for d in defects { mark[d] = 1 }
        let roots = (graph.boundary.map { contains($0) ? [$0] : [] } ?? []) + defects
        for root in roots where visited[root] != shot {
            visited[root] = shot; parentEdge[root] = -1
            var head = order.count
            order.append(root)
            while head < order.count {
                let u = order[head]; head += 1
                for a in graph.adjacencyStart[u]..<graph.adjacencyStart[u + 1] {
                    let e = Int(graph.adjacentEdges[a])
                    guard growth(e) == 2 else { continue }
                    let v = graph.other(e, u)
                    guard visited[v] != shot else { continue }
                    visited[v] = shot; parentEdge[v] = Int32(e)
                    order.append(v)
                }
            }
        }
        var flipped = 0
        for u in order.reversed() {
            let e = Int(parentEdge[u])
            if mark[u] == 1 && e >= 0 {
                mark[u] = 0
                let v = graph.other(e, u)
                mark[v] ^= 1
                if graph.edgeQubit[e] >= 0 { correction[Int(graph.edgeQubit[e])] ^= 1; flipped += 1 }
            }
        }
        for u in order { mark[u] = 0 }
        return flipped
    }
}
