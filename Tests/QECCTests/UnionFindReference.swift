@testable import QECC

/// The plain twin of `UnionFindDecoder`'s growth and peeling (Delfosse & Nickerson 2021; peeling: Delfosse & Zémor
/// 2020) on one decoding graph and one shot, written for reading: a growth count per edge, clusters as arrays of
/// border nodes, the forest as a list of edges, peeled breadth-first. It fixes the order choices the fast decoder makes
/// (clusters grown in the order of their first defect; border nodes in the order they joined, the larger cluster's
/// first, the first argument's on a tie; edges in adjacency order), so the two must agree edge for edge on the growth
/// and the forest. The peeling's correction on a tree does not depend on its root (when the tree is valid: an even
/// number of defects, or the boundary, which is the root); a tree left odd is rooted at its first defect, as here.
struct UnionFindReference {
    let graph: DecodingGraph

    /// The growth (0, 1, 2) of every edge when no odd cluster is left, and the edges the peeling flips, in order.
    func decode(defects: [Int]) -> (growth: [UInt8], flips: [Int]) {
        let n = graph.nodeCount
        var growth = [UInt8](repeating: 0, count: graph.edgeCount)
        var inCluster = [Bool](repeating: false, count: n)
        var parent = Array(0..<n), size = [Int](repeating: 1, count: n)
        var parity = [Int](repeating: 0, count: n), touches = [Bool](repeating: false, count: n)
        var border = [[Int]](repeating: [], count: n)
        var forest: [(edge: Int, a: Int, b: Int)] = []
        func find(_ x: Int) -> Int { parent[x] == x ? x : find(parent[x]) }
        func add(_ x: Int, defect: Bool) {
            inCluster[x] = true
            parity[x] = defect ? 1 : 0
            touches[x] = x == graph.boundary
            border[x] = x == graph.boundary ? [] : [x]
        }
        for d in defects { add(d, defect: true) }
        var active = defects
        while true {
            var roots: [Int] = []
            for x in active {
                let r = find(x)
                if parity[r] == 1 && !touches[r] && !roots.contains(r) { roots.append(r) }
            }
            active = roots
            if roots.isEmpty { break }
            var fused: [Int] = [], grew = false
            for r in roots {
                var stays: [Int] = []
                for u in border[r] {
                    var open = false
                    for e in graph.adjacentEdges[graph.adjacencyStart[u]..<graph.adjacencyStart[u + 1]] {
                        let g = growth[Int(e)]
                        if g < 2 { growth[Int(e)] = g + 1; grew = true }
                        if g == 1 { fused.append(Int(e)) }
                        if g == 0 { open = true }
                    }
                    if open { stays.append(u) }
                }
                border[r] = stays
            }
            if !grew { break }
            for e in fused {
                let u = Int(graph.edgeU[e]), v = Int(graph.edgeV[e])
                for x in [u, v] where !inCluster[x] { add(x, defect: false) }
                var ra = find(u), rb = find(v)
                if ra == rb { continue }
                forest.append((e, u, v))
                if size[ra] < size[rb] { swap(&ra, &rb) }
                parent[rb] = ra
                size[ra] += size[rb]
                parity[ra] ^= parity[rb]
                touches[ra] = touches[ra] || touches[rb]
                border[ra] += border[rb]
                border[rb] = []
            }
        }
        // peeling: breadth-first trees of the forest, processed from the last node reached
        var seenFrom = [[(edge: Int, other: Int)]](repeating: [], count: n)
        for f in forest {
            seenFrom[f.a].insert((f.edge, f.b), at: 0)
            seenFrom[f.b].insert((f.edge, f.a), at: 0)
        }
        var visited = [Bool](repeating: false, count: n), order: [Int] = []
        var parentEdge = [Int](repeating: -1, count: n), parentNode = [Int](repeating: -1, count: n)
        var starts = defects
        if let b = graph.boundary, inCluster[b] { starts.insert(b, at: 0) }
        for root in starts where !visited[root] {
            visited[root] = true
            var head = order.count
            order.append(root)
            while head < order.count {
                let u = order[head]
                head += 1
                for (e, v) in seenFrom[u] where !visited[v] {
                    visited[v] = true
                    parentEdge[v] = e; parentNode[v] = u
                    order.append(v)
                }
            }
        }
        var mark = [Bool](repeating: false, count: n), flips: [Int] = []
        for d in defects { mark[d] = true }
        for u in order.reversed() where mark[u] && parentEdge[u] >= 0 {
            mark[u] = false
            mark[parentNode[u]].toggle()
            if graph.edgeQubit[parentEdge[u]] >= 0 { flips.append(parentEdge[u]) }
        }
        return (growth, flips)
    }
}
