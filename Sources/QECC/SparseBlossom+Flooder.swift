/// The flooder of sparse blossom: regions growing, freezing and shrinking on the detector graph, and the events they
/// raise (Higgott & Gidney 2025, §3). A node's local radius is how far its top-level region has grown past it.
extension SparseBlossom {
    /// local radius of node v: 0 when no region holds it, else its top region's radius plus the frozen radius
    /// wrapped around it below the top, minus the radius at which it was reached.
    @inline(__always) func localRadius(_ v: Int) -> Varying {
        let top = nodeTop[v]
        guard top >= 0 else { return Varying(intercept: 0, slope: 0) }
        let r = regionRadius[Int(top)]
        return Varying(intercept: r.intercept &+ nodeWrapped[v], slope: r.slope)
    }

    /// The next interaction at node v: (neighbour slot, time), slot −1 when none. A node of a growing region meets
    /// the boundary, empty or frozen neighbours (w − r₁ − r₂) and growing ones ((w − r₁ − r₂) / 2); an empty or
    /// frozen node is reached by a growing neighbour. Nodes of shrinking regions raise nothing. (Wrapping arithmetic:
    /// times and radii are bounded by the graph's total weight, far below 2⁶³.)
    // `mutating` only so that callers pass self in place: a non-mutating call from a mutating method copied the
    // whole struct (616 bytes) every time.
    mutating func nextInteraction(at v: Int) -> (slot: Int, time: Int) {
        let r1 = localRadius(v)
        var best = Int.max, bestSlot = -1
        let first = Int(neighbourStart[v]), last = Int(neighbourStart[v &+ 1])
        // Branch-free over the neighbours (their regions are data-dependent and unpredictable): a boundary slot
        // (u < 0) or a node in no region reads node 0 or region 0 and masks what it read; a slot that raises
        // nothing gets time Int.max; the first slot with the least time wins, as a branchy loop's `t < best`.
        if r1.slope > 0 {
            let top = nodeTop[v]
            for k in first..<last {
                let u = Int(neighbour[k])
                let node = u < 0 ? 0 : u
                let uTop = u < 0 ? -1 : nodeTop[node]
                let inRegion = uTop >= 0
                let r2 = regionRadius[inRegion ? Int(uTop) : 0]
                var t = neighbourWeight[k] &- r1.intercept
                t = inRegion ? (t &- r2.intercept &- nodeWrapped[node]) >> (r2.slope > 0 ? 1 : 0) : t
                let raises = uTop != top && !(inRegion && r2.slope < 0)
                t = raises ? t : .max
                let better = t < best
                best = better ? t : best
                bestSlot = better ? k : bestSlot
            }
        } else if r1.slope == 0 {
            for k in first..<last {
                let u = Int(neighbour[k])
                let node = u < 0 ? 0 : u
                let uTop = u < 0 ? -1 : nodeTop[node]
                let r2 = regionRadius[uTop >= 0 ? Int(uTop) : 0]
                var t = neighbourWeight[k] &- r1.intercept &- r2.intercept &- nodeWrapped[node]
                t = uTop >= 0 && r2.slope > 0 ? t : .max
                let better = t < best
                best = better ? t : best
                bestSlot = better ? k : bestSlot
            }
        }
        return (bestSlot, best)
    }

    mutating func reschedule(_ v: Int32) {
        let (slot, t) = nextInteraction(at: Int(v))
        if slot < 0 {
            nodeEvent[Int(v)].desired = .max
        } else {
            setDesired(Int(v), max(t, now))
        }
    }

    /// A detection event at node v: a new growing region holding v, the root of its own alternating tree.
    mutating func createDetectionEvent(_ v: Int32) {
        let r = allocateRegion()
        _ = allocateAlt(inner: -1, outer: r, innerToOuter: .none)
        let i = Int(v)
        touch(v)
        nodeSource[i] = v; nodeArrival[i] = 0; nodeArrived[i] = r; nodeTop[i] = r; nodeWrapped[i] = 0; nodeMask[i] = 0
        shellPush(r, v)
        reschedule(v)
    }

    /// Look at node v (its event is due): an interaction now, or the next one queued.
    mutating func lookAtNode(_ v: Int32) -> Event {
        let i = Int(v)
        let (slot, t) = nextInteraction(at: i)
        guard slot >= 0 else { return .none }
        if t > now {
            setDesired(i, t)
            return .none
        }
        // Look again right after this event: another edge (or this one, later) may have an interaction now.
        setDesired(i, now)
        let u = neighbour[slot]
        if u < 0 {
            return .regionHitBoundary(
                nodeTop[i], CompressedEdge(from: nodeSource[i], to: -1, mask: nodeMask[i] ^ neighbourMask[slot]))
        }
        let j = Int(u)
        if nodeArrived[i] >= 0 && nodeArrived[j] < 0 {
            arrive(region: nodeTop[i], at: u, from: v, mask: neighbourMask[slot])
            return .none
        }
        if nodeArrived[j] >= 0 && nodeArrived[i] < 0 {
            arrive(region: nodeTop[j], at: v, from: u, mask: neighbourMask[slot])
            return .none
        }
        return .regionHitRegion(
            nodeTop[i], nodeTop[j],
            CompressedEdge(
                from: nodeSource[i], to: nodeSource[j], mask: nodeMask[i] ^ nodeMask[j] ^ neighbourMask[slot]))
    }

    /// Top-level region r reaches the empty node v across an edge from node `from`.
    mutating func arrive(region r: Int32, at v: Int32, from: Int32, mask: UInt64) {
        let i = Int(v), f = Int(from)
        touch(v)
        nodeMask[i] = nodeMask[f] ^ mask
        nodeSource[i] = nodeSource[f]
        nodeArrival[i] = regionRadius[Int(r)].at(now)
        nodeArrived[i] = r
        nodeTop[i] = r
        nodeWrapped[i] = -nodeArrival[i]
        shellPush(r, v)
        reschedule(v)
    }

    /// The frozen radius of the regions between node v's region and its top, minus v's radius of arrival.
    mutating func wrappedRadius(_ v: Int) -> Int {
        guard nodeSource[v] >= 0 else { return 0 }
        var total = 0
        var r = nodeArrived[v]
        while r != nodeTop[v] {
            total += regionRadius[Int(r)].intercept
            r = regionParent[Int(r)]
        }
        return total - nodeArrival[v]
    }

    /// The child of v's top region that holds v (the region a shattered blossom leaves v to).
    mutating func heir(_ v: Int32) -> Int32 {
        var r = nodeArrived[Int(v)]
        while true {
            let p = regionParent[Int(r)]
            if p == nodeTop[Int(v)] { return r }
            r = p
        }
    }

    /// r and all the regions inside it, into `area`.
    mutating func collectRegions(_ r: Int32) {
        areaCount = 0
        var depth = 1
        stack[0] = r
        while depth > 0 {
            depth -= 1
            let x = stack[depth]
            area[areaCount] = x
            areaCount += 1
            if regionChildren[Int(x)].isEmpty { continue }
            for c in regionChildren[Int(x)] {
                stack[depth] = c.region
                depth += 1
            }
        }
    }

    /// Look again at every node of r and the regions inside it.
    mutating func rescheduleArea(_ r: Int32) {
        collectRegions(r)
        for k in 0..<areaCount {
            let x = area[k]
            var v = regionShellHead[Int(x)]
            while v >= 0 {
                reschedule(v)
                v = nodeShellNext[Int(v)]
            }
        }
    }

    /// Shrinking region r's next step: its last node leaves (at the time its local radius reaches 0), or, with no
    /// node of its own left, the blossom shatters (radius 0), or a single detection event implodes (radius 0).
    mutating func scheduleShrink(_ r: Int32) {
        let i = Int(r)
        let t: Int
        let last = regionShellHead[i]
        if last >= 0 {
            t = localRadius(Int(last)).intercept
        } else {
            t = regionRadius[i].intercept
        }
        setDesired(-1 - i, max(t, now))
    }

    mutating func shrink(_ r: Int32) -> Event {
        let i = Int(r)
        if regionShellCount[i] == 0 {
            let a = Int(regionAlt[i])
            return .blossomShatter(
                r, inParent: heir(altParentEdge[a].from), inChild: heir(altInnerToOuter[a].from))
        }
        if regionShellCount[i] == 1 && regionChildren[i].isEmpty {
            // A detection event's region at radius 0 between its tree parent and child: they touch through it.
            let a = Int(regionAlt[i])
            let p = Int(altParent[a])
            return .regionHitRegion(
                altOuter[p], altOuter[a],
                CompressedEdge(
                    from: altParentEdge[a].to, to: altInnerToOuter[a].to,
                    mask: altInnerToOuter[a].mask ^ altParentEdge[a].mask))
        }
        let v = shellPop(r)
        let j = Int(v)
        nodeArrived[j] = -1; nodeTop[j] = -1; nodeWrapped[j] = 0; nodeSource[j] = -1; nodeArrival[j] = 0
        nodeMask[j] = 0
        reschedule(v)
        scheduleShrink(r)
        return .none
    }

    mutating func setGrowing(_ r: Int32) {
        regionRadius[Int(r)] = regionRadius[Int(r)].then(slope: 1, at: now)
        regionShrink[Int(r)].desired = .max
        rescheduleArea(r)
    }

    mutating func setFrozen(_ r: Int32) {
        let wasShrinking = regionRadius[Int(r)].slope < 0
        regionRadius[Int(r)] = regionRadius[Int(r)].then(slope: 0, at: now)
        regionShrink[Int(r)].desired = .max
        if wasShrinking { rescheduleArea(r) }
    }

    mutating func setShrinking(_ r: Int32) {
        regionRadius[Int(r)] = regionRadius[Int(r)].then(slope: -1, at: now)
        scheduleShrink(r)
        collectRegions(r)
        for k in 0..<areaCount {
            let x = area[k]
            var v = regionShellHead[Int(x)]
            while v >= 0 {
                nodeEvent[Int(v)].desired = .max
                v = nodeShellNext[Int(v)]
            }
        }
    }

    /// Make r (and everything inside it) part of blossom b: tops and wrapped radii updated.
    mutating func wrap(_ r: Int32, into b: Int32) {
        regionParent[Int(r)] = b
        retop(r, to: b, wrapped: true)
    }

    /// r becomes top-level again (a blossom around it shattered).
    mutating func unwrap(_ r: Int32, recomputingWrapped: Bool = true) {
        regionParent[Int(r)] = -1
        retop(r, to: r, wrapped: recomputingWrapped)
    }

    mutating func retop(_ r: Int32, to top: Int32, wrapped: Bool) {
        collectRegions(r)
        for k in 0..<areaCount {
            let x = area[k]
            regionTop[Int(x)] = top
            var v = regionShellHead[Int(x)]
            while v >= 0 {
                nodeTop[Int(v)] = top
                if wrapped { nodeWrapped[Int(v)] = wrappedRadius(Int(v)) }
                v = nodeShellNext[Int(v)]
            }
        }
    }

    /// A new growing blossom around the regions of `regionChildren[b]` (a cycle), which freeze inside it.
    mutating func formBlossom(_ b: Int32) {
        regionRadius[Int(b)] = .growingFromZero(at: now)
        for k in regionChildren[Int(b)].indices {
            let c = regionChildren[Int(b)][k].region
            regionRadius[Int(c)] = regionRadius[Int(c)].then(slope: 0, at: now)
            wrap(c, into: b)
            regionShrink[Int(c)].desired = .max
        }
        rescheduleArea(b)
    }
}
