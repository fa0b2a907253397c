/// The matcher of sparse blossom: Edmonds' alternating trees over regions (outer regions grow, inner ones shrink),
/// augmenting when a tree meets another tree or the boundary, growing when it meets a matched pair, forming a blossom
/// when it meets itself, and shattering a blossom whose radius reaches zero (Higgott & Gidney 2025, §3).
extension SparseBlossom {
    mutating func process(_ event: Event) {
        switch event.kind {
        case .none: return
        case .regionHitBoundary: treeHitBoundary(event.a, event.edge)
        case .blossomShatter: shatter(event.a, inParent: event.b, inChild: event.c)
        case .regionHitRegion:
            let r1 = event.a, r2 = event.b, edge = event.edge
            let a1 = regionAlt[Int(r1)], a2 = regionAlt[Int(r2)]
            if a1 >= 0 && a2 >= 0 {
                if let ancestor = commonAncestor(a1, a2) {
                    treeHitSelf(r1, r2, edge, ancestor: ancestor)
                } else {
                    treeHitTree(r1, r2, edge)
                }
            } else if a1 >= 0 {
                treeHitMatched(r1, r2, edge)
            } else {
                treeHitMatched(r2, r1, edge.reversed)
            }
        }
    }

    mutating func addMatch(_ r1: Int32, _ r2: Int32, _ edge: CompressedEdge) {
        regionMatch[Int(r1)] = r2; regionMatchEdge[Int(r1)] = edge
        regionMatch[Int(r2)] = r1; regionMatchEdge[Int(r2)] = edge.reversed
    }

    mutating func addChild(_ parent: Int32, _ child: AltEdge) {
        let p = Int(parent), c = Int(child.node), last = altLastChild[p]
        altPreviousSibling[c] = last; altNextSibling[c] = -1
        if last >= 0 { altNextSibling[Int(last)] = child.node } else { altFirstChild[p] = child.node }
        altLastChild[p] = child.node
        altParent[c] = parent
        altParentEdge[c] = child.edge.reversed
    }

    /// Remove child c of `parent`: the last child takes c's place (swap-with-last, as an array of children would).
    mutating func removeChild(_ parent: Int32, _ child: Int32) {
        let p = Int(parent), c = Int(child), last = altLastChild[p]
        assert(altParent[c] == parent, "removeChild: not a child")
        let l = Int(last), beforeLast = altPreviousSibling[l]
        // unlink the last child
        altLastChild[p] = beforeLast
        if beforeLast >= 0 { altNextSibling[Int(beforeLast)] = -1 } else { altFirstChild[p] = -1 }
        guard last != child else { return }
        // the last child in c's place
        let previous = altPreviousSibling[c], next = altNextSibling[c]
        altPreviousSibling[l] = previous; altNextSibling[l] = next
        if previous >= 0 { altNextSibling[Int(previous)] = last } else { altFirstChild[p] = last }
        if next >= 0 { altPreviousSibling[Int(next)] = last } else { altLastChild[p] = last }
    }

    /// Re-root a's tree at a: along the path to the old root, inner regions move one node up. Iterative (from the
    /// node below the root down to a), so deep trees cannot exhaust a worker thread's stack.
    mutating func becomeRoot(_ a: Int32) {
        var depth = 0, x = a
        while altParent[Int(x)] >= 0 {
            treePath[depth] = x
            depth += 1
            x = altParent[Int(x)]
        }
        for k in stride(from: depth - 1, through: 0, by: -1) {
            let y = treePath[k], p = altParent[Int(y)]  // p is the current root
            let yi = Int(y), pi = Int(p)
            altInner[pi] = altInner[yi]
            altInnerToOuter[pi] = altParentEdge[yi]
            regionAlt[Int(altInner[pi])] = p
            altInner[yi] = -1
            removeChild(p, y)
            altParent[yi] = -1
            altParentEdge[yi] = .none
            addChild(y, AltEdge(node: p, edge: altInnerToOuter[yi].reversed))
            altInnerToOuter[yi] = .none
        }
    }

    /// Dissolve a's subtree: each node's inner region is matched to its outer one; all frozen; the nodes freed.
    /// Post-order (each child's subtree in turn, then the node), iterative so that deep trees cannot exhaust a worker
    /// thread's stack.
    mutating func dissolve(_ a: Int32) {
        var depth = 1
        treePath[0] = a; treeCursor[0] = altFirstChild[Int(a)]
        while depth > 0 {
            let x = treePath[depth - 1], child = treeCursor[depth - 1]
            if child >= 0 {
                treeCursor[depth - 1] = altNextSibling[Int(child)]
                treePath[depth] = child; treeCursor[depth] = altFirstChild[Int(child)]
                depth += 1
                continue
            }
            depth -= 1
            let xi = Int(x)
            let inner = altInner[xi], outer = altOuter[xi]
            if inner >= 0 {
                addMatch(inner, outer, altInnerToOuter[xi])
                setFrozen(inner)
                setFrozen(outer)
                regionAlt[Int(inner)] = -1
            }
            if outer >= 0 { regionAlt[Int(outer)] = -1 }
            freeAlt(x)
        }
    }

    /// The nearest node above both a1 and a2 in their tree (nil: different trees).
    mutating func commonAncestor(_ a1: Int32, _ a2: Int32) -> Int32? {
        var x = a1, y = a2
        altVisited[Int(x)] = true; altVisited[Int(y)] = true
        var found: Int32 = -1
        while true {
            let px = altParent[Int(x)], py = altParent[Int(y)]
            if px < 0 && py < 0 { break }
            if px >= 0 {
                x = px
                if altVisited[Int(x)] { found = x; break }
                altVisited[Int(x)] = true
            }
            if py >= 0 {
                y = py
                if altVisited[Int(y)] { found = y; break }
                altVisited[Int(y)] = true
            }
        }
        // Clear every mark (both walks from their starts, then above the ancestor).
        clearMarks(from: a1)
        clearMarks(from: a2)
        if found >= 0 { clearMarks(from: found) }
        return found >= 0 ? found : nil
    }

    mutating func clearMarks(from start: Int32) {
        var z = start
        while z >= 0 && altVisited[Int(z)] {
            altVisited[Int(z)] = false
            z = altParent[Int(z)]
        }
    }

    mutating func treeHitTree(_ r1: Int32, _ r2: Int32, _ edge: CompressedEdge) {
        let a1 = regionAlt[Int(r1)], a2 = regionAlt[Int(r2)]
        becomeRoot(a1); becomeRoot(a2)
        dissolve(a1); dissolve(a2)
        addMatch(r1, r2, edge)
        setFrozen(r1); setFrozen(r2)
    }

    mutating func treeHitBoundary(_ r: Int32, _ edge: CompressedEdge) {
        let a = regionAlt[Int(r)]
        becomeRoot(a)
        dissolve(a)
        regionMatch[Int(r)] = SparseBlossom.boundaryMatch
        regionMatchEdge[Int(r)] = edge
        setFrozen(r)
    }

    /// Outer region r1 of a tree touches r2, which is matched (to a region: the pair joins the tree; to the boundary:
    /// augment).
    mutating func treeHitMatched(_ r1: Int32, _ r2: Int32, _ edge: CompressedEdge) {
        let a = regionAlt[Int(r1)]
        let other = regionMatch[Int(r2)]
        if other == SparseBlossom.boundaryMatch {
            addMatch(r1, r2, edge)
            setFrozen(r1)
            becomeRoot(a)
            dissolve(a)
            return
        }
        let child = allocateAlt(inner: r2, outer: other, innerToOuter: regionMatchEdge[Int(r2)])
        addChild(a, AltEdge(node: child, edge: edge))
        regionMatch[Int(r2)] = SparseBlossom.unmatched
        regionMatch[Int(other)] = SparseBlossom.unmatched
        setShrinking(r2)
        setGrowing(other)
    }

    /// The path from a up to (not including) `stop` leaves the tree: its region edges into `path` (in the cycle's
    /// direction for `back`, against it otherwise), its nodes' other children into `orphans`.
    mutating func prune(_ a: Int32, stoppingBefore stop: Int32, back: Bool) -> [RegionEdge] {
        var path = back ? pathA : pathB
        if back { pathA = [] } else { pathB = [] }
        path.removeAll(keepingCapacity: true)
        defer { if back { pathA = path } else { pathB = path } }
        var x = a
        while x != stop {
            let xi = Int(x)
            var child = altFirstChild[xi]
            while child >= 0 {
                orphans.append(AltEdge(node: child, edge: altParentEdge[Int(child)].reversed))
                child = altNextSibling[Int(child)]
            }
            let parent = altParent[xi]
            if back {
                path.append(RegionEdge(region: altInner[xi], edge: altInnerToOuter[xi]))
                path.append(RegionEdge(region: altOuter[Int(parent)], edge: altParentEdge[xi].reversed))
            } else {
                path.append(RegionEdge(region: altOuter[xi], edge: altInnerToOuter[xi].reversed))
                path.append(RegionEdge(region: altInner[xi], edge: altParentEdge[xi]))
            }
            removeChild(parent, x)
            regionAlt[Int(altOuter[xi])] = -1
            regionAlt[Int(altInner[xi])] = -1
            freeAlt(x)
            x = parent
        }
        return path
    }

    /// Outer regions r1 and r2 of one tree touch: the odd cycle through their common ancestor becomes a blossom, the
    /// ancestor's new outer region.
    mutating func treeHitSelf(_ r1: Int32, _ r2: Int32, _ edge: CompressedEdge, ancestor: Int32) {
        orphans.removeAll(keepingCapacity: true)
        let a = prune(regionAlt[Int(r1)], stoppingBefore: ancestor, back: true)
        let c = prune(regionAlt[Int(r2)], stoppingBefore: ancestor, back: false)
        let b = allocateRegion()
        blossomsFormed += 1
        regionChildren[Int(b)].append(contentsOf: c)
        regionChildren[Int(b)].append(contentsOf: a.reversed())
        regionChildren[Int(b)].append(RegionEdge(region: r1, edge: edge))
        regionAlt[Int(altOuter[Int(ancestor)])] = -1
        formBlossom(b)
        altOuter[Int(ancestor)] = b
        regionAlt[Int(b)] = ancestor
        let adopted = orphans
        for c in adopted { addChild(ancestor, c) }
    }

    /// Inner blossom b reached radius 0: it leaves the tree as its cycle. The odd path from the region touching the
    /// tree parent to the region matched to the tree child stays in the tree (inner, outer, …, inner); the even rest
    /// is matched in pairs.
    mutating func shatter(_ b: Int32, inParent: Int32, inChild: Int32) {
        let cycle = regionChildren[Int(b)]
        blossomsShattered += 1
        for c in cycle { unwrap(c.region) }
        let n = cycle.count
        let parentIndex = cycle.firstIndex { $0.region == inParent }!
        let childIndex = cycle.firstIndex { $0.region == inChild }!
        let gap = (childIndex + n - parentIndex) % n
        let ba = regionAlt[Int(b)]
        var current = altParent[Int(ba)]
        removeChild(current, ba)
        var childEdge = altParentEdge[Int(ba)].reversed
        let evensStart: Int, evensEnd: Int
        if gap % 2 == 0 {
            evensStart = childIndex + 1
            evensEnd = childIndex + n - gap
            for i in stride(from: parentIndex, to: parentIndex + gap, by: 2) {
                let inner = cycle[i % n], outer = cycle[(i + 1) % n]
                let node = allocateAlt(inner: inner.region, outer: outer.region, innerToOuter: inner.edge)
                addChild(current, AltEdge(node: node, edge: childEdge))
                current = node
                childEdge = outer.edge
                setShrinking(inner.region)
                setGrowing(outer.region)
            }
        } else {
            evensStart = parentIndex + 1
            evensEnd = parentIndex + gap
            for i in stride(from: 0, to: n - gap, by: 2) {
                let k1 = (parentIndex + n - i) % n, k2 = (parentIndex + 2 * n - i - 1) % n
                let k3 = (parentIndex + 2 * n - i - 2) % n
                let node = allocateAlt(
                    inner: cycle[k1].region, outer: cycle[k2].region, innerToOuter: cycle[k2].edge.reversed)
                addChild(current, AltEdge(node: node, edge: childEdge))
                current = node
                childEdge = cycle[k3].edge.reversed
                setShrinking(cycle[k1].region)
                setGrowing(cycle[k2].region)
            }
        }
        for j in stride(from: evensStart, to: evensEnd, by: 2) {
            let x = cycle[j % n], y = cycle[(j + 1) % n]
            addMatch(x.region, y.region, x.edge)
            rescheduleArea(x.region)
            rescheduleArea(y.region)
        }
        altInner[Int(ba)] = cycle[childIndex].region
        regionAlt[Int(cycle[childIndex].region)] = ba
        setShrinking(cycle[childIndex].region)
        addChild(current, AltEdge(node: ba, edge: childEdge))
        freeRegion(b)
    }
}
