/// All shortest paths of one round's space graph (checks and the boundary), for the matching of a decoding graph
/// whose rounds repeat the same space edges: the distance between detectors (c₁, t₁) and (c₂, t₂) is then
/// w_s·hops(c₁, c₂) + w_t·|t₁ − t₂| (a path needs |t₁ − t₂| time edges and its projection on one round at least
/// hops(c₁, c₂) space edges; both bounds are met together), and a detector's distance to the boundary is
/// w_s·hops(c, boundary). Paths do not pass through the boundary. Memory (m + 1)² · 8 bytes: built for m ≤ `maxChecks`.
struct SpaceMetric: Sendable {
    static let maxChecks = 2048
    let m: Int
    /// hops[c · (m + 1) + x]: space edges from check c to node x (x = m is the boundary), −1 when unreachable.
    let hops: [Int32]
    /// The round-0 edge entering x on a shortest path from c (the breadth-first tree of c), −1 at c.
    let predecessor: [Int32]

    init?(graph: DecodingGraph) {
        let m = graph.checks
        guard m <= SpaceMetric.maxChecks else { return nil }
        let width = m + 1
        var hops = [Int32](repeating: -1, count: m * width), predecessor = [Int32](repeating: -1, count: m * width)
        // Round-0 adjacency on nodes 0..<m and the boundary (m): the space edges of round 0.
        var adjacency = [[(node: Int, edge: Int)]](repeating: [], count: width)
        for e in 0..<graph.edgeCount where graph.edgeQubit[e] >= 0 {
            let u = Int(graph.edgeU[e]), v = Int(graph.edgeV[e])
            guard u < m || u == graph.boundary, v < m || v == graph.boundary else { continue }
            let a = u == graph.boundary ? m : u, b = v == graph.boundary ? m : v
            adjacency[a].append((b, e)); adjacency[b].append((a, e))
        }
        var queue = [Int](repeating: 0, count: width)
        for c in 0..<m {
            let base = c * width
            hops[base + c] = 0
            var head = 0, tail = 0
            queue[tail] = c; tail += 1
            while head < tail {
                let u = queue[head]; head += 1
                if u == m { continue }  // the boundary ends a path
                for (v, e) in adjacency[u] where hops[base + v] < 0 {
                    hops[base + v] = hops[base + u] + 1
                    predecessor[base + v] = Int32(e)
                    queue[tail] = v; tail += 1
                }
            }
        }
        self.m = m
        self.hops = hops
        self.predecessor = predecessor
    }

    /// Space hops from check c to node x (x = m for the boundary), or nil.
    @inline(__always) func hops(_ c: Int, _ x: Int) -> Int? {
        let h = hops[c * (m + 1) + x]
        return h < 0 ? nil : Int(h)
    }

    /// Flip the qubits on the recorded shortest path from check c to node x (x = m: the boundary).
    func flipPath(graph: DecodingGraph, from c: Int, to x: Int, correction: UnsafeMutablePointer<UInt8>) {
        var v = x
        let base = c * (m + 1)
        while true {
            let e = Int(predecessor[base + v])
            if e < 0 { return }
            correction[Int(graph.edgeQubit[e])] ^= 1
            let u = Int(graph.edgeU[e]), w = Int(graph.edgeV[e])
            let uu = u == graph.boundary ? m : u, ww = w == graph.boundary ? m : w
            v = uu == v ? ww : uu
        }
    }
}
