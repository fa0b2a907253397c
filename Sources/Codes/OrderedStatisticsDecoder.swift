import GF2

/// Ordered-statistics decoding of order w (Fossorier & Lin 1995).
///
/// Positions are sorted by reliability |llr| (descending); Gaussian elimination of G in that column
/// order finds the k most reliable independent positions (the MRB). Every codeword whose information
/// part differs from the MRB hard decision in at most w positions is formed, and the one with the
/// smallest correlation discrepancy Σ_{j: c_j ≠ hard_j} |llr_j| wins. Order k is maximum likelihood;
/// order 2–3 is within a hair of it for codes of length ≤ 128. Always returns a codeword.
public struct OrderedStatisticsDecoder: Decoder {
    public let name: String
    public let order: Int
    let n: Int
    let k: Int
    /// Columns of G, packed: column c occupies `columnWords[c * kWords ..< (c+1) * kWords]`.
    let columnWords: [UInt64]
    let kWords: Int

    /// Order ≥ 2 pairs (and triples) only among the last `sweep` rows of the MRB, its least reliable positions: the
    /// combination sweep (OSD-CS, Roffe et al. 2020) that keeps OSD affordable at large k (nil: every pattern).
    public let sweep: Int?

    public init(code: LinearCode, order: Int, sweep: Int? = nil, name: String? = nil) {
        precondition((0...3).contains(order), "OSD: order \(order) outside 0...3")
        precondition(sweep.map { $0 >= 0 } ?? true, "OSD: negative sweep")
        self.order = order
        self.sweep = sweep
        self.n = code.n
        self.k = code.k
        self.name = name ?? "osd\(order)"
        let GT = code.G.transposed
        self.kWords = GT.wordsPerRow
        self.columnWords = GT.words
    }

    /// Test patterns a frame (no early exit): Σ_{i ≤ order} C(k, i), the order-0 word included; with a sweep λ the
    /// orders ≥ 2 count C(λ, i) instead.
    public var testPatterns: Int {
        func patterns(_ n: Int, upTo order: Int) -> Int {
            var total = 0, term = 1
            for i in 0...order {
                total += term
                term = term * (n - i) / (i + 1)
            }
            return total
        }
        guard let sweep, order >= 2 else { return patterns(k, upTo: order) }
        let s = min(sweep, k)
        return 1 + k + patterns(s, upTo: order) - 1 - s
    }

    public func decode(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>) {
        let scratch = Scratch(n: n, k: k)
        defer { scratch.deallocate() }
        for f in 0..<count {
            let l = UnsafeBufferPointer(rebasing: llr[(f * n)..<((f + 1) * n)])
            decodeFrame(ordering: l, channel: l, into: bits.baseAddress! + f * n, scratch: scratch)
        }
    }

    /// Buffers of one call: the permuted generator, reliabilities, hard decision, disagreement mask, candidates.
    struct Scratch {
        let M: UnsafeMutableBufferPointer<UInt64>
        let reliability: UnsafeMutableBufferPointer<Float>
        let hard, disagree, d0, d1, d2, d3, best: UnsafeMutableBufferPointer<UInt64>
        var perm: UnsafeMutableBufferPointer<Int>

        init(n: Int, k: Int) {
            let W = (n + 63) >> 6
            M = .allocate(capacity: max(1, k * W))
            reliability = .allocate(capacity: n)
            (hard, disagree) = (.allocate(capacity: W), .allocate(capacity: W))
            (d0, d1, d2, d3, best) = (
                .allocate(capacity: W), .allocate(capacity: W), .allocate(capacity: W), .allocate(capacity: W),
                .allocate(capacity: W)
            )
            perm = .allocate(capacity: n)
        }

        func deallocate() {
            [M, hard, disagree, d0, d1, d2, d3, best].forEach { $0.deallocate() }
            reliability.deallocate()
            perm.deallocate()
        }
    }

    /// One frame: positions ordered by |ordering| (the channel's LLRs for plain OSD, a decoder's posteriors for `D+osdK`),
    /// the MRB re-encoded from `ordering`'s hard decision, and every test pattern's codeword scored by its correlation
    /// discrepancy against the channel, Σ_{j: c_j ≠ hard(channel)_j} |channel_j| (the channel likelihood of y). When
    /// ordering = channel this is the textbook OSD. Writes the best codeword's bits (0/1) to `out`; returns its
    /// discrepancy (comparable across orderings of one frame: it is measured against the channel).
    @discardableResult
    func decodeFrame(
        ordering: UnsafeBufferPointer<Float>, channel: UnsafeBufferPointer<Float>,
        into out: UnsafeMutablePointer<UInt8>,
        scratch: Scratch
    ) -> Float {
        let W = (n + 63) >> 6
        let (M, reliability, hard, disagree) = (scratch.M, scratch.reliability, scratch.hard, scratch.disagree)
        let (d0, d1, d2, d3, best) = (scratch.d0, scratch.d1, scratch.d2, scratch.d3, scratch.best)
        var perm = scratch.perm
        let l = ordering
        // 1. reliability order
        for j in 0..<n { perm[j] = j }
        perm.sort { abs(l[$0]) > abs(l[$1]) }
        for j in 0..<n { reliability[j] = abs(channel[perm[j]]) }
        for w in 0..<W { hard[w] = 0; disagree[w] = 0 }
        for j in 0..<n where l[perm[j]] < 0 { hard[j >> 6] |= 1 << UInt64(j & 63) }
        // positions where the order's hard decision differs from the channel's: a candidate's discrepancy against the
        // channel is its pattern against `hard` XOR this mask (all zero for plain OSD)
        for j in 0..<n where (l[perm[j]] < 0) != (channel[perm[j]] < 0) { disagree[j >> 6] |= 1 << UInt64(j & 63) }
        // 2. permuted generator, rows of n bits
        for i in 0..<(k * W) { M[i] = 0 }
        columnWords.withUnsafeBufferPointer { cols in
            for j in 0..<n {
                let base = perm[j] * kWords
                for w in 0..<kWords {
                    var x = cols[base + w]
                    while x != 0 {
                        let r = w << 6 + x.trailingZeroBitCount
                        M[r * W + j >> 6] |= 1 << UInt64(j & 63)
                        x &= x &- 1
                    }
                }
            }
        }
        // 3. Gauss–Jordan in column order: row r gets a pivot at the r-th most reliable independent column
        var rank = 0
        var col = 0
        while rank < k && col < n {
            let word = col >> 6, bit: UInt64 = 1 << UInt64(col & 63)
            var p = rank
            while p < k && M[p * W + word] & bit == 0 { p += 1 }
            if p < k {
                if p != rank {
                    for w in 0..<W { let t = M[p * W + w]; M[p * W + w] = M[rank * W + w]; M[rank * W + w] = t }
                }
                for r in 0..<k where r != rank && M[r * W + word] & bit != 0 {
                    for w in 0..<W { M[r * W + w] ^= M[rank * W + w] }
                }
                rank += 1
            }
            col += 1
        }
        // order-0 codeword: rows whose pivot bit is set in the hard decision
        for w in 0..<W { d0[w] = hard[w] }
        for r in 0..<rank {
            // pivot of row r = lowest set bit of the row (rows are in RREF over ascending columns)
            var pivot = 0
            for w in 0..<W where M[r * W + w] != 0 { pivot = w << 6 + M[r * W + w].trailingZeroBitCount; break }
            if hard[pivot >> 6] & (1 << UInt64(pivot & 63)) != 0 { for w in 0..<W { d0[w] ^= M[r * W + w] } }
        }
        // d0 = c0 ⊕ hard: the discrepancy pattern of the order-0 codeword
        var bestCost = cost(d0, disagree, reliability, W, limit: .infinity)
        for w in 0..<W { best[w] = d0[w] }
        if order >= 1 {
            let firstSwept = sweep.map { max(0, rank - $0) } ?? 0
            for a in 0..<rank {
                for w in 0..<W { d1[w] = d0[w] ^ M[a * W + w] }
                let c1 = cost(d1, disagree, reliability, W, limit: bestCost)
                if c1 < bestCost { bestCost = c1; for w in 0..<W { best[w] = d1[w] } }
                guard order >= 2, a >= firstSwept else { continue }
                for b in (a + 1)..<max(a + 1, rank) {
                    for w in 0..<W { d2[w] = d1[w] ^ M[b * W + w] }
                    let c2 = cost(d2, disagree, reliability, W, limit: bestCost)
                    if c2 < bestCost { bestCost = c2; for w in 0..<W { best[w] = d2[w] } }
                    guard order >= 3 else { continue }
                    for c in (b + 1)..<max(b + 1, rank) {
                        for w in 0..<W { d3[w] = d2[w] ^ M[c * W + w] }
                        let c3 = cost(d3, disagree, reliability, W, limit: bestCost)
                        if c3 < bestCost { bestCost = c3; for w in 0..<W { best[w] = d3[w] } }
                    }
                }
            }
        }
        // 5. codeword = hard ⊕ best discrepancy, back in the original order
        for j in 0..<n {
            let h = l[perm[j]] < 0
            let flip = best[j >> 6] & (1 << UInt64(j & 63)) != 0
            out[perm[j]] = (h != flip) ? 1 : 0
        }
        return bestCost
    }

    /// Σ reliability over the set bits of d ⊕ mask, stopping once it reaches `limit`.
    @inline(__always)
    func cost(
        _ d: UnsafeMutableBufferPointer<UInt64>, _ mask: UnsafeMutableBufferPointer<UInt64>,
        _ rel: UnsafeMutableBufferPointer<Float>, _ W: Int, limit: Float
    ) -> Float {
        var s: Float = 0
        for w in 0..<W {
            var x = d[w] ^ mask[w]
            while x != 0 {
                s += rel[w << 6 + x.trailingZeroBitCount]
                x &= x &- 1
            }
            if s >= limit { return s }
        }
        return s
    }
}
