/// The clusters, growth and peeling forest of one `UnionFindDecoder` call, reused across shots: every buffer is valid
/// only where its stamp equals the current shot, so nothing is cleared between shots, and nothing is allocated per
/// shot (the border lists are linked lists through `next`; the buffers are `FixedBuffers`).
///
/// Growth is kept per node, not per edge: a node's growth a ∈ {0, 1, 2} counts the rounds it has grown on its
/// cluster's border, and an edge's growth is min(2, a_u + a_v) — each of its ends grew it by half an edge a round
/// until it was full. A node leaves the border when all its edges are full, so it grows at most twice. A growth
/// step reads its neighbours' node words and writes no edge state.
struct UnionFindWorkspace {
    var shot = 0, round = 0
    /// `isolatedPairs`'s stamp (one per call) and its marks per node: the stamp on a defect, its negative on a lone
    /// defect's neighbour.
    var pairsStamp = 0
    let defectStamp: UnsafeMutablePointer<Int>
    let storage = FixedBuffers()
    /// Per node: 4 × the shot it joined a cluster in + its growth a; a node of an older shot is in no cluster (a = 0).
    let nodeStamp: UnsafeMutablePointer<Int>
    let parent: UnsafeMutablePointer<Int32>, size: UnsafeMutablePointer<Int32>, parity: UnsafeMutablePointer<UInt8>
    let touchesBoundary: UnsafeMutablePointer<Bool>, roundMark: UnsafeMutablePointer<Int>
    /// Border nodes of each root's cluster (nodes with an edge not yet fully grown): head, tail, next (−1 ends).
    let head: UnsafeMutablePointer<Int32>, tail: UnsafeMutablePointer<Int32>, next: UnsafeMutablePointer<Int32>
    /// Per node, peeling's defect parity (zero between shots).
    let mark: UnsafeMutablePointer<UInt8>
    /// Scratch lists (capacity: every node or edge once; `isolatedPairs` collects its flips, distinct edges, in
    /// `fused`; peeling's stack of leaves is `leaves`).
    let active: UnsafeMutablePointer<Int>, fused: UnsafeMutablePointer<Int>, leaves: UnsafeMutablePointer<Int32>
    var activeCount = 0, fusedCount = 0
    /// The spanning forest of the grown edges: the edges whose union merged two clusters (entries 2i and 2i + 1 are
    /// edge i seen from its two ends, `forestOther` the node across), and per node its number of forest edges and
    /// the XOR of their entries (`forestDegree`, `forestXor`, valid where `forestStamp` is this shot): a leaf's XOR is
    /// its one edge.
    let forest: UnsafeMutablePointer<Int32>, forestOther: UnsafeMutablePointer<Int32>
    let forestDegree: UnsafeMutablePointer<Int32>, forestXor: UnsafeMutablePointer<Int32>
    let forestStamp: UnsafeMutablePointer<Int>
    var forestCount = 0

    init(nodes: Int, edges: Int) {
        let b = storage
        nodeStamp = b.make(nodes, -1); defectStamp = b.make(nodes, 0)
        parent = b.make(nodes, 0); size = b.make(nodes, 0)
        parity = b.make(nodes, 0); touchesBoundary = b.make(nodes, false)
        roundMark = b.make(nodes, -1)
        head = b.make(nodes, -1); tail = b.make(nodes, -1)
        next = b.make(nodes, -1)
        mark = b.make(nodes, 0)
        active = b.make(nodes, 0); fused = b.make(edges + 1, 0)  // grow writes one past
        leaves = b.make(nodes + 1, 0)  // peel's first pass writes one past
        forest = b.make(nodes, -1); forestOther = b.make(2 * nodes, -1)
        forestDegree = b.make(nodes, 0); forestXor = b.make(nodes, 0); forestStamp = b.make(nodes, -1)
    }

    mutating func begin() {
        shot += 1
        forestCount = 0
    }

    @inline(__always) func contains(_ x: Int) -> Bool { nodeStamp[x] >> 2 == shot }

    mutating func add(_ x: Int, defect: Bool, boundary: Bool) {
        nodeStamp[x] = shot << 2
        parent[x] = Int32(x); size[x] = 1
        parity[x] = defect ? 1 : 0
        touchesBoundary[x] = boundary
        next[x] = -1
        // the boundary never grows
        if boundary { head[x] = -1; tail[x] = -1 } else { head[x] = Int32(x); tail[x] = Int32(x) }
    }

    /// Node x's growth a (0, 1 or 2) in the shot stamped `stamp` (= `shot` << 2); a node of an older shot reads as 0.
    @inline(__always) static func growth(_ word: Int, stamp: Int) -> Int {
        word & ~3 == stamp ? word & 3 : 0
    }

    /// The growth (0, 1 or 2 halves) of edge e: min(2, a_u + a_v).
    func growth(_ e: Int, graph: UnionFindGraph) -> UInt8 {
        let stamp = shot << 2
        let a = Self.growth(nodeStamp[Int(graph.edgeU[e])], stamp: stamp)
        let b = Self.growth(nodeStamp[Int(graph.edgeV[e])], stamp: stamp)
        return UInt8(min(2, a + b))
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

    /// Join fully grown edge e = (a, b): a is in a cluster, b may be in none yet. A fresh b hangs under a's root
    /// directly — what `add` and `union` would do (its cluster of one never outweighs a's, so a's root stays the root
    /// and b joins the end of its border), without setting up b as a root first.
    @inline(__always) mutating func join(_ a: Int, _ b: Int, edge e: Int, boundary: Int) {
        guard !contains(b) else { return union(a, b, edge: e) }
        let r = find(a)
        addForestEdge(e, a, b)
        nodeStamp[b] = shot << 2
        parent[b] = Int32(r)
        size[r] += 1
        if b == boundary {
            touchesBoundary[r] = true
        } else {
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
        let stamp = shot << 2, words = nodeStamp, fusedList = fused, start = graph.start, edges = graph.edge
        let across = graph.neighbour
        var count = fusedCount
        defer { fusedCount = count }
        while u >= 0 {
            // branch-free over the edges (the neighbours' growth is data-dependent and unpredictable): every edge is
            // written to `fused` and counted only when it fuses
            let x = Int(u)
            let au = words[x] & 3  // u is in this shot's cluster
            words[x] += 1
            var seen = 0  // bit k set when some edge had sum k (open: 0; fusing: 1; growing: 0 or 1)
            for a in Int(start[x])..<Int(start[x + 1]) {
                let sum = au &+ Self.growth(words[Int(across[a])], stamp: stamp)  // g = min(2, sum)
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
            forestDegree[x] = 0; forestXor[x] = 0
        }
        forestDegree[x] += 1
        forestXor[x] ^= Int32(entry)
    }

    /// Peeling (Delfosse & Zémor 2020) on the spanning forest of the fully grown edges, from the leaves in: a leaf
    /// holding a defect flips its edge and moves the defect across; the boundary is never peeled, so a tree that
    /// reaches it is rooted there. Each flipped edge goes to `flip` (the edge index); returns the number of space
    /// edges flipped.
    ///
    /// An edge is flipped when the part of its tree beyond it, seen from the root, holds an odd number of defects.
    /// In a tree with the boundary the root is the boundary; a tree without it has an even number of defects (growth
    /// stopped), so both sides of an edge have the same parity and the last node left is as good a root as any. The
    /// flips are therefore those of a breadth-first forest rooted at the boundary, in another order. (Only a tree
    /// left odd because its component has no boundary and an odd number of defects — no correction exists — depends
    /// on which node is peeled last.) Marks are zero between shots (every marked node is a defect or in the forest,
    /// and all are cleared at the end).
    mutating func peel(graph: UnionFindGraph, defects: [Int], flip: (Int) -> Void) -> Int {
        for d in defects { mark[d] = 1 }
        let degree = forestDegree, xor = forestXor, other = forestOther, stack = leaves, boundary = graph.boundary
        var top = 0
        for j in 0..<2 * forestCount {  // every node of degree 1 is one entry's node across
            let x = Int(other[j])
            stack[top] = Int32(x)
            top &+= degree[x] == 1 && x != boundary ? 1 : 0
        }
        var flipped = 0
        while top > 0 {
            top -= 1
            let u = Int(stack[top])
            guard degree[u] == 1 else { continue }  // 0: its tree is peeled
            let j = Int(xor[u]), v = Int(other[j])
            degree[u] = 0
            degree[v] -= 1
            xor[v] ^= Int32(j ^ 1)
            if mark[u] != 0 {
                mark[u] = 0
                mark[v] ^= 1
                let e = Int(forest[j >> 1])
                if graph.qubit[e] >= 0 {
                    flip(e)
                    flipped += 1
                }
            }
            if degree[v] == 1 && v != boundary {
                stack[top] = Int32(v)
                top += 1
            }
        }
        for d in defects { mark[d] = 0 }
        for j in 0..<2 * forestCount { mark[Int(other[j])] = 0 }
        return flipped
    }
}
