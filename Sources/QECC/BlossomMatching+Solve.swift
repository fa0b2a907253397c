/// The primal–dual stages of `BlossomMatching`: labelling, blossom shrinking and expansion, augmentation and the
/// four kinds of dual update (Galil 1986, §3).
extension BlossomMatching {
    /// Label the top blossom of w with t (1 = S, 2 = T) reached through endpoint p; a T blossom labels its mate S.
    mutating func assignLabel(_ w: Int, _ t: Int, _ p: Int) {
        var (w, t, p) = (w, t, p)
        while true {
            let b = inBlossom[w]
            label[w] = t; label[b] = t
            labelEnd[w] = p; labelEnd[b] = p
            bestEdge[w] = -1; bestEdge[b] = -1
            if t == 1 {
                if b < n { queue.append(b) } else { queue.append(contentsOf: leaves(b)) }
                return
            }
            let base = blossomBase[b]
            let m = mate[base]
            (w, t, p) = (endpoint[m], 1, m ^ 1)
        }
    }

    /// Trace back from v and w: the base of the first common S blossom (a new blossom), or −1 (augmenting path).
    mutating func scanBlossom(_ v0: Int, _ w0: Int) -> Int {
        var path: [Int] = [], base = -1
        var v = v0, w = w0
        while v != -1 || w != -1 {
            var b = inBlossom[v]
            if label[b] & 4 != 0 { base = blossomBase[b]; break }
            path.append(b); label[b] = 5
            if labelEnd[b] == -1 {
                v = -1
            } else {
                v = endpoint[labelEnd[b]]
                b = inBlossom[v]
                v = endpoint[labelEnd[b]]
            }
            if w != -1 { swap(&v, &w) }
        }
        for b in path { label[b] = 1 }
        return base
    }

    /// Shrink the odd cycle closed by edge k through `base` into a new S blossom.
    mutating func addBlossom(_ base: Int, _ k: Int) {
        var v = edgeU[k], w = edgeV[k]
        let bb = inBlossom[base]
        var bv = inBlossom[v], bw = inBlossom[w]
        let b = unusedBlossoms.removeLast()
        blossomBase[b] = base; blossomParent[b] = -1; blossomParent[bb] = b
        var path: [Int] = [], endps: [Int] = []
        while bv != bb {
            blossomParent[bv] = b; path.append(bv); endps.append(labelEnd[bv])
            v = endpoint[labelEnd[bv]]; bv = inBlossom[v]
        }
        path.append(bb); path.reverse(); endps.reverse(); endps.append(2 * k)
        while bw != bb {
            blossomParent[bw] = b; path.append(bw); endps.append(labelEnd[bw] ^ 1)
            w = endpoint[labelEnd[bw]]; bw = inBlossom[w]
        }
        blossomChildren[b] = path; blossomEndpoints[b] = endps
        label[b] = 1; labelEnd[b] = labelEnd[bb]; dual[b] = 0
        for u in leaves(b) {
            if label[inBlossom[u]] == 2 { queue.append(u) }
            inBlossom[u] = b
        }
        // The least-slack edge from the new blossom to each other S blossom.
        var bestTo = [Int](repeating: -1, count: 2 * n)
        for child in path {
            let lists: [[Int]] =
                blossomBestEdges[child].map { [$0] }
                ?? leaves(child).map { v in
                    neighbourEndpoints[neighbourStart[v]..<neighbourStart[v + 1]].map { $0 >> 1 }
                }
            for list in lists {
                for e in list {
                    var j = edgeV[e]
                    if inBlossom[j] == b { j = edgeU[e] }
                    let bj = inBlossom[j]
                    if bj != b, label[bj] == 1, bestTo[bj] == -1 || slack(e) < slack(bestTo[bj]) { bestTo[bj] = e }
                }
            }
            blossomBestEdges[child] = nil; bestEdge[child] = -1
        }
        let best = bestTo.filter { $0 != -1 }
        blossomBestEdges[b] = best
        bestEdge[b] = -1
        for e in best where bestEdge[b] == -1 || slack(e) < slack(bestEdge[b]) { bestEdge[b] = e }
    }

    /// Undo blossom b; at the end of a stage (`endStage`) its zero-dual sub-blossoms go too. A T blossom expanded
    /// mid-stage relabels the even-length path through it from the entry child to the base.
    mutating func expandBlossom(_ b: Int, endStage: Bool) {
        for s in blossomChildren[b] {
            blossomParent[s] = -1
            if s < n {
                inBlossom[s] = s
            } else if endStage && dual[s] == 0 {
                expandBlossom(s, endStage: endStage)
            } else {
                for u in leaves(s) { inBlossom[u] = s }
            }
        }
        if !endStage && label[b] == 2 {
            let children = blossomChildren[b], endps = blossomEndpoints[b]
            let count = children.count
            func child(_ j: Int) -> Int { children[(j % count + count) % count] }
            func endp(_ j: Int) -> Int { endps[(j % count + count) % count] }
            let entry = inBlossom[endpoint[labelEnd[b] ^ 1]]
            var j = children.firstIndex(of: entry)!
            let step: Int, trick: Int
            if j & 1 == 1 { j -= count; step = 1; trick = 0 } else { step = -1; trick = 1 }
            var p = labelEnd[b]
            while j != 0 {
                label[endpoint[p ^ 1]] = 0
                label[endpoint[endp(j - trick) ^ trick ^ 1]] = 0
                assignLabel(endpoint[p ^ 1], 2, p)
                allowEdge[endp(j - trick) >> 1] = true
                j += step
                p = endp(j - trick) ^ trick
                allowEdge[p >> 1] = true
                j += step
            }
            let bv = child(j)
            label[endpoint[p ^ 1]] = 2; label[bv] = 2
            labelEnd[endpoint[p ^ 1]] = p; labelEnd[bv] = p
            bestEdge[bv] = -1
            j += step
            while child(j) != entry {
                let c = child(j)
                if label[c] == 1 { j += step; continue }
                if let v = leaves(c).first(where: { label[$0] != 0 }) {
                    label[v] = 0
                    label[endpoint[mate[blossomBase[c]]]] = 0
                    assignLabel(v, 2, labelEnd[v])
                }
                j += step
            }
        }
        label[b] = -1; labelEnd[b] = -1
        blossomChildren[b] = []; blossomEndpoints[b] = []
        blossomBase[b] = -1; blossomBestEdges[b] = nil; bestEdge[b] = -1
        unusedBlossoms.append(b)
    }

    /// Swap matched and unmatched edges on the even path inside blossom b from vertex v to the base; v's child
    /// becomes the new base (the child list is rotated).
    mutating func augmentBlossom(_ b: Int, _ v: Int) {
        var t = v
        while blossomParent[t] != b { t = blossomParent[t] }
        if t >= n { augmentBlossom(t, v) }
        let children = blossomChildren[b], endps = blossomEndpoints[b]
        let count = children.count
        func child(_ j: Int) -> Int { children[(j % count + count) % count] }
        func endp(_ j: Int) -> Int { endps[(j % count + count) % count] }
        let i = children.firstIndex(of: t)!
        var j = i
        let step: Int, trick: Int
        if i & 1 == 1 { j -= count; step = 1; trick = 0 } else { step = -1; trick = 1 }
        while j != 0 {
            j += step
            var c = child(j)
            let p = endp(j - trick) ^ trick
            if c >= n { augmentBlossom(c, endpoint[p]) }
            j += step
            c = child(j)
            if c >= n { augmentBlossom(c, endpoint[p ^ 1]) }
            mate[endpoint[p]] = p ^ 1
            mate[endpoint[p ^ 1]] = p
        }
        blossomChildren[b] = Array(children[i...] + children[..<i])
        blossomEndpoints[b] = Array(endps[i...] + endps[..<i])
        blossomBase[b] = blossomBase[blossomChildren[b][0]]
    }

    /// Augment along the path through edge k between two S vertices of different trees.
    mutating func augmentMatching(_ k: Int) {
        for (start, firstP) in [(edgeU[k], 2 * k + 1), (edgeV[k], 2 * k)] {
            var s = start, p = firstP
            while true {
                let bs = inBlossom[s]
                if bs >= n { augmentBlossom(bs, s) }
                mate[s] = p
                if labelEnd[bs] == -1 { break }
                let t = endpoint[labelEnd[bs]]
                let bt = inBlossom[t]
                s = endpoint[labelEnd[bt]]
                let j = endpoint[labelEnd[bt] ^ 1]
                if bt >= n { augmentBlossom(bt, j) }
                mate[j] = labelEnd[bt]
                p = labelEnd[bt] ^ 1
            }
        }
    }
}
