/// The clusters, edge growth and peeling forest of one `UnionFindDecoder` call, reused across shots: every buffer
/// is valid only where its stamp equals the current shot, so nothing is cleared between shots, and nothing is
/// allocated per shot (the border lists are linked lists through `next`; the buffers are `FixedBuffers`).
struct UnionFindWorkspace {
    var shot = 0, round = 0
    /// The shot's stamp in `edgeState` (1 ..< 2³⁰; at the wrap the states are cleared and it restarts at 1).
    var edgeShot: UInt32 = 0
    let edgeCapacity: Int
    let storage = FixedBuffers()
    let nodeStamp: UnsafeMutablePointer<Int>
    /// Per edge: 4 × `edgeShot` of its last growth + its growth (0, 1 or 2 halves); older shots read as 0. Four
    /// bytes an edge, so a circuit's graph stays in the first-level cache.
    let edgeState: UnsafeMutablePointer<UInt32>
    let parent: UnsafeMutablePointer<Int32>, size: UnsafeMutablePointer<Int32>, parity: UnsafeMutablePointer<UInt8>
    let touchesBoundary: UnsafeMutablePointer<Bool>, roundMark: UnsafeMutablePointer<Int>
    /// Border nodes of each root's cluster (nodes with an edge not yet fully grown): head, tail, next (−1 ends).
    let head: UnsafeMutablePointer<Int32>, tail: UnsafeMutablePointer<Int32>, next: UnsafeMutablePointer<Int32>
    let visited: UnsafeMutablePointer<Int>, mark: UnsafeMutablePointer<UInt8>
    /// Per node of the peeling forest: the edge to its parent (−1 at a root) and the parent.
    let parentEdge: UnsafeMutablePointer<Int32>, parentNode: UnsafeMutablePointer<Int32>
    /// Scratch lists (capacity: every node or edge once).
    let active: UnsafeMutablePointer<Int>, fused: UnsafeMutablePointer<Int>, order: UnsafeMutablePointer<Int>
    var activeCount = 0, fusedCount = 0, orderCount = 0
    /// The spanning forest of the grown edges: the edges whose union merged two clusters, and per node the list of
    /// its forest edges (entries 2i and 2i + 1 are edge i seen from its two ends, `forestOther` the node across;
    /// `forestHead` valid where `forestStamp` is this shot).
    let forest: UnsafeMutablePointer<Int32>, forestNext: UnsafeMutablePointer<Int32>
    let forestOther: UnsafeMutablePointer<Int32>
    let forestHead: UnsafeMutablePointer<Int32>, forestStamp: UnsafeMutablePointer<Int>
    var forestCount = 0

    init(nodes: Int, edges: Int) {
        let b = storage
        nodeStamp = b.make(nodes, -1); edgeState = b.make(edges, 0); edgeCapacity = edges
        parent = b.make(nodes, 0); size = b.make(nodes, 0)
        parity = b.make(nodes, 0); touchesBoundary = b.make(nodes, false)
        roundMark = b.make(nodes, -1)
        head = b.make(nodes, -1); tail = b.make(nodes, -1)
        next = b.make(nodes, -1)
        visited = b.make(nodes, -1); parentEdge = b.make(nodes, -1); parentNode = b.make(nodes, -1)
        mark = b.make(nodes, 0)
        active = b.make(nodes, 0); fused = b.make(edges + 1, 0); order = b.make(nodes, 0)  // grow writes one past
        forest = b.make(nodes, -1); forestNext = b.make(2 * nodes, -1); forestOther = b.make(2 * nodes, -1)
        forestHead = b.make(nodes, -1); forestStamp = b.make(nodes, -1)
    }

    mutating func begin() {
        shot += 1
        edgeShot += 1
        if edgeShot == 1 << 30 {
            edgeState.update(repeating: 0, count: max(edgeCapacity, 1))
            edgeShot = 1
        }
        forestCount = 0
    }

    @inline(__always) mutating func contains(_ x: Int) -> Bool { nodeStamp[x] == shot }

    mutating func add(_ x: Int, defect: Bool, boundary: Bool) {
        nodeStamp[x] = shot
        parent[x] = Int32(x); size[x] = 1
        parity[x] = defect ? 1 : 0
        touchesBoundary[x] = boundary
        next[x] = -1
        // the boundary never grows
        if boundary { head[x] = -1; tail[x] = -1 } else { head[x] = Int32(x); tail[x] = Int32(x) }
    }

    /// The growth (0, 1 or 2 halves) an edge state holds in the shot stamped `stamp` (= `edgeShot` << 2); a state from
    /// an older shot reads as 0.
    @inline(__always) static func growth(_ state: UInt32, stamp: UInt32) -> UInt32 {
        state & ~3 == stamp ? state & 3 : 0
    }

    @inline(__always) func growth(_ e: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: Self.growth(edgeState[e], stamp: edgeShot << 2))
    }

    mutating func find(_ x: Int) -> Int {
        var r = x
        while Int(parent[r]) != r { r = Int(parent[r]) }
        var y = x
        while Int(parent[y]) != r { let up = Int(parent[y]); parent[y] = Int32(r); y = up }
        return r
    }

    /// Merge the clusters of a and b, joined by edge e (a forest edge when they were apart).
    mutating func union(_ a: Int, _ b: Int, edge e: Int) {
        var ra = find(a), rb = find(b)
        guard ra != rb else { return }
        addForestEdge(e, a, b)
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
    mutating func grow(_ r: Int, graph: UnionFindGraph) -> Bool {
        var grew = false
        var previous: Int32 = -1
        var u = head[r]
        // locals, so the loop keeps them in registers (the pointer stores could otherwise alias the workspace)
        let stamp = edgeShot << 2, states = edgeState, fusedList = fused, start = graph.start, edges = graph.edge
        var count = fusedCount
        defer { fusedCount = count }
        while u >= 0 {
            // branch-free over the edges (their growth states are data-dependent and unpredictable): a fully grown
            // edge is rewritten unchanged, a fusing one is written to `fused` and counted, a half-grown one keeps u
            // on the border
            var open = false
            for a in Int(start[Int(u)])..<Int(start[Int(u) + 1]) {
                let e = Int(edges[a])
                let g = Self.growth(states[e], stamp: stamp)
                let next = g == 2 ? 2 : g + 1
                states[e] = stamp | next
                fusedList[count] = e
                count += g == 1 ? 1 : 0
                open = open || next == 1
                grew = grew || g < 2
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

    mutating func addForestEdge(_ e: Int, _ a: Int, _ b: Int) {
        let i = forestCount
        forest[i] = Int32(e)
        forestCount += 1
        link(2 * i, to: a)
        link(2 * i + 1, to: b)
        forestOther[2 * i] = Int32(b); forestOther[2 * i + 1] = Int32(a)
    }

    @inline(__always) mutating func link(_ entry: Int, to x: Int) {
        if forestStamp[x] != shot {
            forestStamp[x] = shot
            forestHead[x] = -1
        }
        forestNext[entry] = forestHead[x]
        forestHead[x] = Int32(entry)
    }

    /// The breadth-first tree of the spanning forest from `root` (skipped when already visited) appended to `order`.
    mutating func tree(from root: Int) {
        guard visited[root] != shot else { return }
        visited[root] = shot; parentEdge[root] = -1
        var h = orderCount
        order[orderCount] = root
        orderCount += 1
        while h < orderCount {
            let u = order[h]
            h += 1
            var j = forestStamp[u] == shot ? forestHead[u] : -1
            while j >= 0 {
                let e = forest[Int(j) >> 1], v = Int(forestOther[Int(j)])
                j = forestNext[Int(j)]
                guard visited[v] != shot else { continue }
                visited[v] = shot; parentEdge[v] = e; parentNode[v] = Int32(u)
                order[orderCount] = v
                orderCount += 1
            }
        }
    }

    /// Peeling (Delfosse & Zémor 2020) on the fully grown edges: a breadth-first forest, rooted at the boundary when
    /// a tree reaches it, processed from the leaves; each peeled edge goes to `flip` (the edge index). Returns the
    /// number of space edges flipped. Marks are zero between shots (every marked node is in `order` and cleared at
    /// the end).
    mutating func peel(graph: UnionFindGraph, defects: [Int], flip: (Int) -> Void) -> Int {
        orderCount = 0
        for d in defects { mark[d] = 1 }
        if graph.boundary >= 0, contains(graph.boundary) { tree(from: graph.boundary) }
        for d in defects { tree(from: d) }
        var flipped = 0
        for k in stride(from: orderCount - 1, through: 0, by: -1) {
            let u = order[k]
            let e = Int(parentEdge[u])
            if mark[u] == 1 && e >= 0 {
                mark[u] = 0
                mark[Int(parentNode[u])] ^= 1
                if graph.qubit[e] >= 0 {
                    flip(e)
                    flipped += 1
                }
            }
        }
        for k in 0..<orderCount { mark[order[k]] = 0 }
        return flipped
    }
}
