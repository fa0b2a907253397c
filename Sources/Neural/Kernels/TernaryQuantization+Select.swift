extension TernaryQuantization {
    /// The quantile of |w| over `count` entries as `quantile(_:q:)` computes it, with the positions of the two order
    /// statistics it interpolates (`lower`, `upper` index into w) and the weight of `upper`: γ = (1 − t)·|w_lower| +
    /// t·|w_upper| up to torch's lerp rounding. Selection in O(count) (no full sort); ties resolve to some index
    /// holding the tied value. `scratch` holds `count` (value, index) pairs.
    public static func selectQuantile(
        _ w: UnsafePointer<Float>, count: Int, q: Float,
        scratch: UnsafeMutablePointer<(Float, Int32)>
    )
        -> (value: Float, lower: Int, upper: Int, weight: Float)
    {
        precondition(count >= 1 && (0...1).contains(q), "selectQuantile: \(count) values, q = \(q)")
        for i in 0..<count { scratch[i] = (abs(w[i]), Int32(i)) }
        let rank = q * Float(count - 1)
        let lo = Int(rank), hi = min(lo + 1, count - 1)
        let t = rank - Float(lo)
        select(scratch, count: count, k: lo)
        let a = scratch[lo]
        var b = a
        if hi != lo {
            // the smallest of the entries above position lo
            b = scratch[lo + 1]
            for i in (lo + 2)..<count where scratch[i].0 < b.0 { b = scratch[i] }
        }
        let value = t < 0.5 ? a.0 + t * (b.0 - a.0) : b.0 - (b.0 - a.0) * (1 - t)
        return (value, Int(a.1), Int(b.1), t)
    }

    /// Rearranges `v[0..<count]` so that position k holds the k-th smallest value, smaller-or-equal values before
    /// it and greater-or-equal after (Hoare's selection with a median-of-three pivot, deterministic).
    static func select(_ v: UnsafeMutablePointer<(Float, Int32)>, count: Int, k: Int) {
        var left = 0, right = count - 1
        while right > left {
            let mid = left + (right - left) / 2
            // median of three to v[mid]
            if v[mid].0 < v[left].0 { v.swapAt(mid, left) }
            if v[right].0 < v[left].0 { v.swapAt(right, left) }
            if v[right].0 < v[mid].0 { v.swapAt(right, mid) }
            let pivot = v[mid].0
            var i = left, j = right
            while i <= j {
                while v[i].0 < pivot { i += 1 }
                while v[j].0 > pivot { j -= 1 }
                if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { right = j } else if k >= i { left = i } else { return }
        }
    }
}

extension UnsafeMutablePointer {
    @inline(__always) fileprivate func swapAt(_ i: Int, _ j: Int) { let t = self[i]; self[i] = self[j]; self[j] = t }
}
