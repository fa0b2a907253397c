/// Reading the matching out of the final regions: blossoms are shattered top-down into matched pairs of their cycle
/// (the region matched outside the blossom keeps that match), down to pairs of detection events. The weight is the sum
/// of every region's radius (the dual objective, equal to the matching's weight at the optimum).
extension SparseBlossom {
    /// Emit the pairs inside top-level region r (and its match).
    mutating func extract(_ r: Int32) {
        let ri = Int(r)
        clearShell(r)
        let m = regionMatch[ri]
        if m >= 0 {
            clearShell(m)
            if regionChildren[ri].isEmpty && regionChildren[Int(m)].isEmpty {
                matches.append(regionMatchEdge[ri])
                weight += regionRadius[ri].intercept + regionRadius[Int(m)].intercept
                freeRegion(m); freeRegion(r)
                return
            }
        } else if regionChildren[ri].isEmpty {
            if m == SparseBlossom.boundaryMatch { matches.append(regionMatchEdge[ri]) }
            weight += regionRadius[ri].intercept
            freeRegion(r)
            return
        }
        var region = r
        if !regionChildren[ri].isEmpty { region = pairInside(r) }
        let partner = regionMatch[Int(region)]
        if partner >= 0 && !regionChildren[Int(partner)].isEmpty { _ = pairInside(partner) }
        extract(region)
    }

    /// Shatter blossom b for good: the child holding b's match edge takes b's match, the other children pair up
    /// around the cycle (each pair extracted); returns that child.
    mutating func pairInside(_ b: Int32) -> Int32 {
        let bi = Int(b)
        let cycle = regionChildren[bi]
        for c in cycle { unwrap(c.region, recomputingWrapped: false) }
        let heir = nodeTop[Int(regionMatchEdge[bi].from)]
        regionMatch[Int(heir)] = regionMatch[bi]
        regionMatchEdge[Int(heir)] = regionMatchEdge[bi]
        if regionMatch[bi] >= 0 { regionMatch[Int(regionMatch[bi])] = heir }
        weight += regionRadius[bi].intercept
        let index = cycle.firstIndex { $0.region == heir }!
        let n = cycle.count
        for i in stride(from: 0, to: n - 1, by: 2) {
            let x = cycle[(index + i + 1) % n], y = cycle[(index + i + 2) % n]
            addMatch(x.region, y.region, x.edge)
            extract(x.region)
        }
        freeRegion(b)
        return heir
    }

    /// Forget the nodes of r's own shell (so later detection events inside it are not extracted twice).
    mutating func clearShell(_ r: Int32) {
        var v = regionShellHead[Int(r)]
        while v >= 0 {
            nodeArrived[Int(v)] = -1; nodeTop[Int(v)] = -1
            v = nodeShellNext[Int(v)]
        }
    }
}
