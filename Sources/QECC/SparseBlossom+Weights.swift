/// Per-shot weights (belief-matching reweights the graph every shot) and shortest paths under the current weights.
extension SparseBlossom {
    /// New weights for the decoding graph's edges (`weight[e]`, ≥ 0, undoubled): each slot takes its lightest edge,
    /// with that edge's observables. Call between shots, never inside `solve`.
    mutating func setWeights(_ weight: UnsafePointer<Int>) {
        let slots = Int(neighbourStart[graph.nodeCount])
        for k in 0..<slots {
            var best = Int.max, bestEdge: Int32 = -1
            for i in Int(slotEdgeStart[k])..<Int(slotEdgeStart[k + 1]) {
                let e = slotEdges[i]
                if weight[Int(e)] < best {
                    best = weight[Int(e)]
                    bestEdge = e
                }
            }
            neighbourWeight[k] = 2 * best
            neighbourEdge[k] = bestEdge
            neighbourMask[k] = edgeMask[Int(bestEdge)]
        }
    }

    /// The decoding-graph edges of a shortest path from detector a to detector b (−1: the boundary) under the
    /// current weights (Dijkstra until b is settled; paths do not run through the boundary), in `visit`.
    mutating func path(from a: Int32, to b: Int32, visit: (Int32) -> Void) {
        let n = graph.nodeCount
        let target = b < 0 ? n : Int(b)
        pathRun &+= 1
        if pathRun == Int32.max {
            pathStamp.update(repeating: 0, count: n + 1)
            pathRun = 1
        }
        let run = pathRun
        pathHeap.removeAll(keepingCapacity: true)
        pathDistance[Int(a)] = 0; pathStamp[Int(a)] = run; pathFrom[Int(a)] = -1
        heapPush(0, a)
        while let (du, u32) = heapPop() {
            let u = Int(u32)
            if du != pathDistance[u] { continue }
            if u == target { break }
            if u == n { continue }
            for k in Int(neighbourStart[u])..<Int(neighbourStart[u + 1]) {
                let v = neighbour[k] < 0 ? n : Int(neighbour[k])
                let dv = du + neighbourWeight[k]
                if pathStamp[v] != run || dv < pathDistance[v] {
                    pathStamp[v] = run; pathDistance[v] = dv; pathFrom[v] = Int32(u); pathSlot[v] = Int32(k)
                    heapPush(dv, Int32(v))
                }
            }
        }
        guard pathStamp[target] == run else { return }  // unreachable: no path
        var v = target
        while pathFrom[v] >= 0 {
            visit(neighbourEdge[Int(pathSlot[v])])
            v = Int(pathFrom[v])
        }
    }

    private mutating func heapPush(_ d: Int, _ v: Int32) {
        pathHeap.append((d, v))
        var i = pathHeap.count - 1
        let x = pathHeap[i]
        while i > 0 {
            let p = (i - 1) >> 1
            if pathHeap[p].distance <= x.distance { break }
            pathHeap[i] = pathHeap[p]
            i = p
        }
        pathHeap[i] = x
    }

    private mutating func heapPop() -> (Int, Int32)? {
        guard let last = pathHeap.popLast() else { return nil }
        guard !pathHeap.isEmpty else { return (last.distance, last.node) }
        let top = pathHeap[0]
        var i = 0
        let count = pathHeap.count
        while true {
            var c = 2 * i + 1
            if c >= count { break }
            if c + 1 < count && pathHeap[c + 1].distance < pathHeap[c].distance { c += 1 }
            if pathHeap[c].distance >= last.distance { break }
            pathHeap[i] = pathHeap[c]
            i = c
        }
        pathHeap[i] = last
        return (top.distance, top.node)
    }
}
