import Base

/// Layered (row-serial) sum-product BP (Hocevar 2004; Mansour & Shanbhag 2003): `schedule: .layered`.
///
/// Keeps the posterior L_v and the check messages R_cv. For each check c in order: t_v = L_v − R_cv,
/// R_cv ← sum-product over the other t, L_v ← t_v + R_cv. Converges in about half the iterations of
/// flooding on LDPC codes. Stops early when the hard decision of L satisfies every check. Sum-product uses
/// the SIMD check-node kernel (`SumProduct.update`); `kernels: .reference` selects the libm twin.
extension BeliefPropagationDecoder {
    /// `posteriors` [count, n], when given, receives each frame's final L.
    func decodeLayered(
        llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>,
        posteriors: UnsafeMutableBufferPointer<Float>? = nil
    ) {
        let n = graph.n, m = graph.m, E = graph.edgeCount
        let maxDegree = max(1, graph.checkNeighbors.map(\.count).max() ?? 1)
        let R = UnsafeMutableBufferPointer<Float>.allocate(capacity: E)
        let L = UnsafeMutableBufferPointer<Float>.allocate(capacity: n)
        let t = UnsafeMutableBufferPointer<Float>.allocate(capacity: maxDegree)
        let newR = UnsafeMutableBufferPointer<Float>.allocate(capacity: maxDegree)
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: (maxDegree + 7) & ~7)
        let padded = UnsafeMutableBufferPointer<Float>.allocate(capacity: (maxDegree + 7) & ~7)
        scratch.initialize(repeating: 0); padded.initialize(repeating: 0)
        defer { [R, L, t, newR, scratch, padded].forEach { $0.deallocate() } }
        let fast = rule == .sumProduct && kernels != .reference
        graph.edgeVariable.withUnsafeBufferPointer { edgeVar in
            graph.checkEdgeStart.withUnsafeBufferPointer { cStart in
                for f in 0..<count {
                    let out = UnsafeMutableBufferPointer(rebasing: bits[(f * n)..<((f + 1) * n)])
                    defer { if let posteriors { for v in 0..<n { posteriors[f * n + v] = L[v] } } }
                    for v in 0..<n { L[v] = llr[f * n + v]; out[v] = hardDecision(L[v]) }
                    if graph.satisfiesAllChecks(out) { continue }
                    for e in 0..<E { R[e] = 0 }
                    for _ in 0..<iterations {
                        for c in 0..<m {
                            let s = cStart[c], d = cStart[c + 1] - s
                            for i in 0..<d { t[i] = clampMessage(L[edgeVar[s + i]] - R[s + i]) }
                            let input = UnsafeBufferPointer(rebasing: t[0..<d])
                            let output = UnsafeMutableBufferPointer(rebasing: newR[0..<d])
                            if fast {
                                SumProduct.update(input: input, output: output, scratch: scratch, padded: padded)
                            } else {
                                CheckNode.update(rule, input: input, output: output, scratch: scratch)
                            }
                            for i in 0..<d { R[s + i] = newR[i]; L[edgeVar[s + i]] = t[i] + newR[i] }
                        }
                        for v in 0..<n { out[v] = hardDecision(L[v]) }
                        if graph.satisfiesAllChecks(out) { break }
                    }
                }
            }
        }
    }
}
