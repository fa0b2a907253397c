/// The stage loop of `BlossomMatching`: grow alternating trees from the single vertices until an augmenting path is
/// found or the duals prove the matching optimal.
extension BlossomMatching {
    mutating func solve(maxCardinality: Bool) {
        for _ in 0..<n {
            for b in 0..<(2 * n) { label[b] = 0; bestEdge[b] = -1 }
            for b in n..<(2 * n) { blossomBestEdges[b] = nil }
            for k in allowEdge.indices { allowEdge[k] = false }
            queue.removeAll(keepingCapacity: true)
            for v in 0..<n where mate[v] == -1 && label[inBlossom[v]] == 0 { assignLabel(v, 1, -1) }
            var augmented = false
            while true {
                augmented = scanQueue()
                if augmented { break }
                if !dualUpdate(maxCardinality: maxCardinality) { break }
            }
            if !augmented { break }
            // Expand the S blossoms whose dual reached zero.
            for b in n..<(2 * n) where blossomParent[b] == -1 && blossomBase[b] >= 0 && label[b] == 1 && dual[b] == 0 {
                expandBlossom(b, endStage: true)
            }
        }
    }

    /// Scan the queued S vertices along tight edges; true when the matching was augmented.
    mutating func scanQueue() -> Bool {
        while let v = queue.popLast() {
            for a in neighbourStart[v]..<neighbourStart[v + 1] {
                let p = neighbourEndpoints[a]
                let k = p >> 1, w = endpoint[p]
                if inBlossom[v] == inBlossom[w] { continue }
                var kslack = 0
                if !allowEdge[k] {
                    kslack = slack(k)
                    if kslack <= 0 { allowEdge[k] = true }
                }
                if allowEdge[k] {
                    if label[inBlossom[w]] == 0 {
                        assignLabel(w, 2, p ^ 1)
                    } else if label[inBlossom[w]] == 1 {
                        let base = scanBlossom(v, w)
                        if base >= 0 {
                            addBlossom(base, k)
                        } else {
                            augmentMatching(k)
                            return true
                        }
                    } else if label[w] == 0 {
                        label[w] = 2; labelEnd[w] = p ^ 1
                    }
                } else if label[inBlossom[w]] == 1 {
                    let b = inBlossom[v]
                    if bestEdge[b] == -1 || kslack < slack(bestEdge[b]) { bestEdge[b] = k }
                } else if label[w] == 0 {
                    if bestEdge[w] == -1 || kslack < slack(bestEdge[w]) { bestEdge[w] = k }
                }
            }
        }
        return false
    }

    /// The largest dual change that keeps every slack ≥ 0 (four kinds), applied; then the edge it made tight is
    /// queued or the T blossom whose dual reached zero expanded. False when the stage ends without augmenting.
    mutating func dualUpdate(maxCardinality: Bool) -> Bool {
        var kind = -1, delta = 0, deltaEdge = -1, deltaBlossom = -1
        if !maxCardinality { kind = 1; delta = dual[0..<n].min()! }
        for v in 0..<n where label[inBlossom[v]] == 0 && bestEdge[v] != -1 {
            let d = slack(bestEdge[v])
            if kind == -1 || d < delta { delta = d; kind = 2; deltaEdge = bestEdge[v] }
        }
        for b in 0..<(2 * n) where blossomParent[b] == -1 && label[b] == 1 && bestEdge[b] != -1 {
            let s = slack(bestEdge[b])
            assert(s % 2 == 0, "BlossomMatching: odd slack between S blossoms")
            let d = s / 2
            if kind == -1 || d < delta { delta = d; kind = 3; deltaEdge = bestEdge[b] }
        }
        for b in n..<(2 * n)
        where blossomBase[b] >= 0 && blossomParent[b] == -1 && label[b] == 2
            && (kind == -1 || dual[b] < delta)
        {
            delta = dual[b]; kind = 4; deltaBlossom = b
        }
        if kind == -1 { kind = 1; delta = max(0, dual[0..<n].min()!) }
        for v in 0..<n {
            switch label[inBlossom[v]] {
            case 1: dual[v] -= delta
            case 2: dual[v] += delta
            default: break
            }
        }
        for b in n..<(2 * n) where blossomBase[b] >= 0 && blossomParent[b] == -1 {
            if label[b] == 1 { dual[b] += delta } else if label[b] == 2 { dual[b] -= delta }
        }
        switch kind {
        case 1:
            return false
        case 2:
            allowEdge[deltaEdge] = true
            let i = label[inBlossom[edgeU[deltaEdge]]] == 0 ? edgeV[deltaEdge] : edgeU[deltaEdge]
            queue.append(i)
        case 3:
            allowEdge[deltaEdge] = true
            queue.append(edgeU[deltaEdge])
        default:
            expandBlossom(deltaBlossom, endStage: false)
        }
        return true
    }
}
