/// The clusters, growth and peeling forest of one `UnionFindDecoder` call, reused across shots: every per-node buffer
/// is valid only at the shot's cluster nodes (`state` ≠ 0, listed in `members`), and `begin` clears the previous shot's
/// states alone; nothing is allocated per shot (the border lists are linked lists through `next`; the buffers are
/// `FixedBuffers`).
///
/// Growth is kept per node, not per edge: a node's growth a ∈ {0, 1, 2} counts the rounds it has grown on its
/// cluster's border, and an edge's growth is min(2, a_u + a_v) — each of its ends grew it by half an edge a round
/// until it was full. A node leaves the border when all its edges are full, so it grows at most twice. A growth
/// step reads its neighbours' state bytes and writes no edge state.
struct UnionFindWorkspace {
    var round = 0
    /// `isolatedPairs`'s stamp (one per call) and its marks per node: the stamp on a defect, its negative on a lone
    /// defect's neighbour.
    var pairsStamp = 0
    let defectStamp: UnsafeMutablePointer<Int>
    let storage = FixedBuffers()
    /// Per node: 4 + its growth a when it is in one of this shot's clusters, else 0 (a = 0).
    let state: UnsafeMutablePointer<UInt8>
    let parent: UnsafeMutablePointer<Int32>, size: UnsafeMutablePointer<Int32>, parity: UnsafeMutablePointer<UInt8>
    let touchesBoundary: UnsafeMutablePointer<Bool>, roundMark: UnsafeMutablePointer<Int>
    /// Border nodes of each root's cluster (nodes with an edge not yet fully grown): head, tail, next (−1 ends).
    let head: UnsafeMutablePointer<Int32>, tail: UnsafeMutablePointer<Int32>, next: UnsafeMutablePointer<Int32>
    let mark: UnsafeMutablePointer<UInt8>, children: UnsafeMutablePointer<Int32>
    /// `peelByPaths`'s toggled nodes (capacity: its budget).
    let toggled: UnsafeMutablePointer<Int>
    /// The spanning forest of the fully grown edges, rooted, kept as growth builds it: per node its parent and the edge
    /// to it (−1 at a root). A tree that holds the boundary is rooted there.
    let parentEdge: UnsafeMutablePointer<Int32>, parentNode: UnsafeMutablePointer<Int32>
    /// Scratch lists (capacity: every node or edge once; `isolatedPairs` collects its flips, distinct edges, in
    /// `fused`; peeling stacks its leaves in `active`), and the shot's cluster nodes in the order they joined.
    let active: UnsafeMutablePointer<Int>, fused: UnsafeMutablePointer<Int>, members: UnsafeMutablePointer<Int>
    var activeCount = 0, fusedCount = 0, memberCount = 0
    /// Growth stopped with an odd cluster that could not grow (no valid correction; its tree is rooted at its first
    /// defect before peeling, as a breadth-first peeling from the defects in order would root it).
    var stuck = false

    init(nodes: Int, edges: Int) {
        let b = storage
        state = b.make(nodes, 0); defectStamp = b.make(nodes, 0)
        parent = b.make(nodes, 0); size = b.make(nodes, 0)
        parity = b.make(nodes, 0); touchesBoundary = b.make(nodes, false)
        roundMark = b.make(nodes, -1)
        head = b.make(nodes, -1); tail = b.make(nodes, -1)
        next = b.make(nodes, -1)
        parentEdge = b.make(nodes, -1); parentNode = b.make(nodes, -1)
        mark = b.make(nodes, 0); children = b.make(nodes, 0); toggled = b.make(2 * nodes + 16, 0)
        active = b.make(nodes, 0); fused = b.make(edges + 1, 0); members = b.make(nodes, 0)  // grow writes one past
    }

    mutating func begin() {
        for k in 0..<memberCount { state[members[k]] = 0 }
        memberCount = 0
        stuck = false
    }

    @inline(__always) func contains(_ x: Int) -> Bool { state[x] != 0 }

    mutating func add(_ x: Int, defect: Bool, boundary: Bool) {
        state[x] = 4
        parent[x] = Int32(x); size[x] = 1
        parity[x] = defect ? 1 : 0
        touchesBoundary[x] = boundary
        next[x] = -1
        parentNode[x] = -1; parentEdge[x] = -1
        members[memberCount] = x
        memberCount += 1
        // the boundary never grows
        if boundary { head[x] = -1; tail[x] = -1 } else { head[x] = Int32(x); tail[x] = Int32(x) }
    }

    /// The growth (0, 1 or 2 halves) of edge e: min(2, a_u + a_v).
    func growth(_ e: Int, graph: UnionFindGraph) -> UInt8 {
        min(2, (state[Int(graph.edgeU[e])] & 3) + (state[Int(graph.edgeV[e])] & 3))
    }

    mutating func find(_ x: Int) -> Int {
        // a root or a root's child (most calls: union by size, path compression) without the loop, whose trip count
        // of 0 or 1 the branch predictor cannot tell; nothing to compress there
        let up = Int(parent[x]), upper = Int(parent[up])
        if up == upper { return up }
        var r = upper
        while Int(parent[r]) != r { r = Int(parent[r]) }
        var y = x
        while Int(parent[y]) != r { let up = Int(parent[y]); parent[y] = Int32(r); y = up }
        return r
    }

    /// Merge the clusters of a and b, joined by edge e (a forest edge when they were apart).
    mutating func union(_ a: Int, _ b: Int, edge e: Int) {
        var ra = find(a), rb = find(b)
        guard ra != rb else { return }
        // the forest edge: one tree rerooted at its end of e and hung from the other end — never the boundary's tree
        // (it stays rooted there), else the smaller
        if touchesBoundary[rb] || (!touchesBoundary[ra] && size[ra] < size[rb]) {
            hang(a, from: b, edge: e)
        } else {
            hang(b, from: a, edge: e)
        }
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

    /// Join fully grown edge e = (a, b): a is in a cluster, b may be in none yet. A fresh b hangs under a's root
    /// directly — what `add` and `union` would do (its cluster of one never outweighs a's, so a's root stays the root
    /// and b joins the end of its border), without setting up b as a root first.
    @inline(__always) mutating func join(_ a: Int, _ b: Int, edge e: Int, boundary: Int) {
        guard !contains(b) else { return union(a, b, edge: e) }
        let r = find(a)
        state[b] = 4
        parent[b] = Int32(r)
        size[r] += 1
        members[memberCount] = b
        memberCount += 1
        if b == boundary {  // the tree is rerooted at the boundary
            parentNode[b] = -1; parentEdge[b] = -1
            hang(a, from: b, edge: e)
            touchesBoundary[r] = true
        } else {
            parentNode[b] = Int32(a); parentEdge[b] = Int32(e)
            next[b] = -1
            if head[r] < 0 { head[r] = Int32(b) } else { next[Int(tail[r])] = Int32(b) }
            tail[r] = Int32(b)
        }
    }

    /// Grow every border edge of root r's cluster by half an edge; fully grown edges go to `fused`, nodes left with
    /// no open edge leave the border. True when some edge grew.
    ///
    /// Node u on the border grows each edge (u, v) from g = min(2, a_u + a_v) to min(2, g + 1): it fuses when g = 1,
    /// stays open when g = 0. Reading a_v when u is scanned sees v's growth earlier in the same round, so the fused
    /// edges and their order are those of growing per-edge states in the same scan order.
    mutating func grow(_ r: Int, graph: UnionFindGraph) -> Bool {
        var grew = false
        var previous: Int32 = -1
        var u = head[r]
        // locals, so the loop keeps them in registers (the pointer stores could otherwise alias the workspace)
        let states = state, fusedList = fused, start = graph.start, edges = graph.edge
        let across = graph.neighbour
        var count = fusedCount
        defer { fusedCount = count }
        while u >= 0 {
            // branch-free over the edges (the neighbours' growth is data-dependent and unpredictable): every edge is
            // written to `fused` and counted only when it fuses
            let x = Int(u)
            let au = Int(states[x] & 3)
            states[x] &+= 1
            var seen = 0  // bit k set when some edge had sum k (open: 0; fusing: 1; growing: 0 or 1)
            for a in Int(start[x])..<Int(start[x + 1]) {
                let sum = au &+ Int(states[Int(across[a])] & 3)  // g = min(2, sum)
                fusedList[count] = Int(edges[a])
                count &+= (2 &>> sum) & 1
                seen |= 1 &<< sum
            }
            grew = grew || seen & 3 != 0
            let following = next[x]
            if seen & 1 != 0 {
                previous = u
            } else {  // unlink u
                if previous < 0 { head[r] = following } else { next[Int(previous)] = following }
                if tail[r] == u { tail[r] = previous }
            }
            u = following
        }
        return grew
    }

    /// Reroot x's tree at x (the parent links on the path from x to the root reversed), then hang x from node `from`
    /// by edge e (from = −1: x stays the root).
    mutating func hang(_ x: Int, from: Int, edge e: Int) {
        var previous = Int32(from), previousEdge = Int32(e), u = Int32(x)
        while u >= 0 {
            let up = parentNode[Int(u)], upEdge = parentEdge[Int(u)]
            parentNode[Int(u)] = previous; parentEdge[Int(u)] = previousEdge
            previous = u; previousEdge = upEdge; u = up
        }
    }

    /// Peeling (Delfosse & Zémor 2020) on the rooted forest growth built: each peeled space edge goes to `flip` (the
    /// edge index); returns their count. In a tree with an even number of defects, or rooted at the boundary, the
    /// flipped edges are those whose far side from the root holds an odd number of defects — the one correction on that
    /// tree, whichever node is its root. `peelByPaths` finds them when the defects' paths to their roots are short (as
    /// they are in most shots), else `peelFromLeaves`. Marks are zero between shots.
    mutating func peel(graph: UnionFindGraph, defects: [Int], flip: (Int) -> Void) -> Int {
        if stuck { rootStuckTrees(defects: defects) }
        if let flipped = peelByPaths(graph: graph, defects: defects, flip: flip) { return flipped }
        return peelFromLeaves(graph: graph, defects: defects, flip: flip)
    }

    /// Each defect toggles every node on its path to its root; a node toggled an odd number of times flips the edge to
    /// its parent. nil, with nothing flipped and the marks clear, when the paths are longer than 2 × the clusters'
    /// nodes + 16 in all (large trees, where `peelFromLeaves`' linear cost is the lower).
    mutating func peelByPaths(graph: UnionFindGraph, defects: [Int], flip: (Int) -> Void) -> Int? {
        let budget = 2 * memberCount + 16
        var count = 0
        for d in defects {
            var u = d
            while parentNode[u] >= 0 {
                guard count < budget else {
                    for k in 0..<count { mark[toggled[k]] = 0 }
                    return nil
                }
                mark[u] ^= 1
                toggled[count] = u
                count += 1
                u = Int(parentNode[u])
            }
        }
        // the nodes toggled an odd number of times, compacted in place without a branch on the unpredictable mark (a
        // node's first entry reads its mark and clears it, so it is kept once)
        var odd = 0
        for k in 0..<count {
            let u = toggled[k], m = Int(mark[u])
            mark[u] = 0
            toggled[odd] = u
            odd &+= m
        }
        var flipped = 0
        for k in 0..<odd {
            let e = Int(parentEdge[toggled[k]])
            if graph.qubit[e] >= 0 {
                flip(e)
                flipped += 1
            }
        }
        return flipped
    }

    /// Nodes processed from the leaves (a node once all its children are done); a defect flips the edge to its parent
    /// and moves to it.
    mutating func peelFromLeaves(graph: UnionFindGraph, defects: [Int], flip: (Int) -> Void) -> Int {
        let count = memberCount
        for k in 0..<count { children[members[k]] = 0 }
        for k in 0..<count where parentNode[members[k]] >= 0 { children[Int(parentNode[members[k]])] += 1 }
        for d in defects { mark[d] = 1 }
        var top = 0
        for k in 0..<count where children[members[k]] == 0 {
            active[top] = members[k]
            top += 1
        }
        var flipped = 0
        while top > 0 {
            top -= 1
            let u = active[top], up = Int(parentNode[u])
            guard up >= 0 else { continue }
            if mark[u] == 1 {
                mark[u] = 0
                mark[up] ^= 1
                let e = Int(parentEdge[u])
                if graph.qubit[e] >= 0 {
                    flip(e)
                    flipped += 1
                }
            }
            children[up] -= 1
            if children[up] == 0 {
                active[top] = up
                top += 1
            }
        }
        for k in 0..<count { mark[members[k]] = 0 }
        return flipped
    }

    /// Each odd cluster left without the boundary rerooted at its first defect in `defects` order.
    mutating func rootStuckTrees(defects: [Int]) {
        for d in defects {
            let r = find(d)
            // the stuck clusters are the odd ones the last round found active (its mark), each rerooted once
            guard parity[r] == 1, !touchesBoundary[r], roundMark[r] == round else { continue }
            roundMark[r] = -1
            hang(d, from: -1, edge: -1)
        }
    }
}
