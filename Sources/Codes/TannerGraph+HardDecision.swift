extension TannerGraph {
    /// True when the hard decision of one word (y_j < 0 ↦ bit 1) violates some check. y: [n].
    public func hasNonzeroSyndrome(hardDecisionOf y: UnsafePointer<Float>) -> Bool {
        var e = 0
        for c in 0..<m {
            var parity = false
            let end = checkEdgeStart[c + 1]
            while e < end {
                if y[edgeVariable[e]] < 0 { parity.toggle() }
                e += 1
            }
            if parity { return true }
        }
        return false
    }
}
