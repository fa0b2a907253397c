/// The clusters, edge growth and peeling forest of one `UnionFindDecoder` call, reused across shots: every array
/// is valid only where its stamp equals the current shot, so nothing is cleared between shots, and nothing is
/// allocated per shot (the border lists are linked lists through `next`).
struct UnionFindWorkspace {
    var shot = 0, round = 0
    var nodeStamp: [Int], edgeStamp: [Int]
    var parent: [Int32], size: [Int32], parity: [UInt8], touchesBoundary: [Bool], roundMark: [Int]
    /// Border nodes of each root's cluster (nodes with an edge not yet fully grown): head, tail, next (−1 ends).
    var head: [Int32], tail: [Int32], next: [Int32]
    var edgeGrowth: [UInt8]
    var visited: [Int], parentEdge: [Int32], mark: [UInt8]
    /// Scratch lists reused across shots.
    var active: [Int] = [], fused: [Int] = [], order: [Int] = []

    init(nodes: Int, edges: Int) {
        nodeStamp = [Int](repeating: -1, count: nodes); edgeStamp = [Int](repeating: -1, count: edges)
        parent = [Int32](repeating: 0, count: nodes); size = [Int32](repeating: 0, count: nodes)
        parity = [UInt8](repeating: 0, count: nodes); touchesBoundary = [Bool](repeating: false, count: nodes)
        roundMark = [Int](repeating: -1, count: nodes)
        head = [Int32](repeating: -1, count: nodes); tail = [Int32](repeating: -1, count: nodes)
        next = [Int32](repeating: -1, count: nodes)
        edgeGrowth = [UInt8](repeating: 0, count: edges)
        visited = [Int](repeating: -1, count: nodes); parentEdge = [Int32](repeating: -1, count: nodes)
        mark = [UInt8](repeating: 0, count: nodes)
    }

    mutating func begin() { shot += 1 }

    @inline(__always) func contains(_ x: Int) -> Bool { nodeStamp[x] == shot }

    mutating func add(_ x: Int, defect: Bool, boundary: Bool) {
        nodeStamp[x] = shot
        parent[x] = Int32(x); size[x] = 1
        parity[x] = defect ? 1 : 0
        touchesBoundary[x] = boundary
        next[x] = -1
        // the boundary never grows
        if boundary { head[x] = -1; tail[x] = -1 } else { head[x] = Int32(x); tail[x] = Int32(x) }
    }

    @inline(__always) func growth(_ e: Int) -> UInt8 { edgeStamp[e] == shot ? edgeGrowth[e] : 0 }

    @inline(__always) mutating func setGrowth(_ e: Int, _ g: UInt8) { edgeStamp[e] = shot; edgeGrowth[e] = g }

    mutating func find(_ x: Int) -> Int {
        var r = x
        while Int(parent[r]) != r { r = Int(parent[r]) }
        var y = x
        while Int(parent[y]) != r { let up = Int(parent[y]); parent[y] = Int32(r); y = up }
        return r
    }

    mutating func union(_ a: Int, _ b: Int) {
        var ra = find(a), rb = find(b)
        guard ra != rb else { return }
        if size[ra] < size[rb] { swap(&ra, &rb) }
        parent[rb] = Int32(ra)
        size[ra] += size[rb]
        parity[ra] ^= parity[rb]
        touchesBoundary[ra] = touchesBoundary[ra] || touchesBoundary[rb]
        if head[rb] >= 0 {
            if head[ra] < 0 { head[ra] = head[rb] } else { next[Int(tail[ra])] = head[rb] }
            tail[ra] = tail[rb]
        }
        head[rb] = -1; tail[rb] = -1
    }

    /// Grow every border edge of root r's cluster by half an edge; fully grown edges go to `fused`, nodes left with
    /// no open edge leave the border. True when some edge grew.
    mutating func grow(_ r: Int, graph: DecodingGraph) -> Bool {
        var grew = false
        var previous: Int32 = -1
        var u = head[r]
        while u >= 0 {
            var open = false
            for a in graph.adjacencyStart[Int(u)]..<graph.adjacencyStart[Int(u) + 1] {
                let e = Int(graph.adjacentEdges[a])
                let g = growth(e)
                guard g < 2 else { continue }
                setGrowth(e, g + 1)
                grew = true
                if g + 1 == 2 { fused.append(e) } else { open = true }
            }
            let following = next[Int(u)]
            if open {
                previous = u
            } else {  // unlink u
                if previous < 0 { head[r] = following } else { next[Int(previous)] = following }
                if tail[r] == u { tail[r] = previous }
            }
            u = following
        }
        return grew
    }

    /// Peeling (Delfosse & Zémor 2020) on the fully grown edges: a breadth-first forest, rooted at the boundary when
    /// a tree reaches it, processed from the leaves. Returns the number of space edges flipped. Marks are zero
    /// between shots (every marked node is in `order` and cleared at the end).
    mutating func peel(graph: DecodingGraph, defects: [Int], correction: UnsafeMutablePointer<UInt8>) -> Int {
        order.removeAll(keepingCapacity: true)
        for d in defects { mark[d] = 1 }
        func tree(from root: Int) {
            guard visited[root] != shot else { return }
            visited[root] = shot; parentEdge[root] = -1
            var h = order.count
            order.append(root)
            while h < order.count {
                let u = order[h]; h += 1
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
        if let b = graph.boundary, contains(b) { tree(from: b) }
        for d in defects { tree(from: d) }
        var flipped = 0
        for u in order.reversed() {
            let e = Int(parentEdge[u])
            if mark[u] == 1 && e >= 0 {
                mark[u] = 0
                mark[graph.other(e, u)] ^= 1
                if graph.edgeQubit[e] >= 0 { correction[Int(graph.edgeQubit[e])] ^= 1; flipped += 1 }
            }
        }
        for u in order { mark[u] = 0 }
        return flipped
    }
}
