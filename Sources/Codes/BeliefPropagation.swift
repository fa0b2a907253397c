import Base
import CKernels
import Foundation

/// Check-node rules of belief propagation.
public enum CheckNodeRule: Sendable, Equatable {
    /// Sum-product: tanh(m_cv / 2) = ∏_{v' ≠ v} tanh(m_v'c / 2) (Gallager; Kschischang, Frey & Loeliger 2001).
    case sumProduct
    /// Min-sum: sign product times the smallest other magnitude.
    case minSum
    /// Normalized min-sum: the min-sum message scaled by α (Chen & Fossorier 2002).
    case normalizedMinSum(alpha: Float)
    /// Offset min-sum: magnitude max(min − β, 0).
    case offsetMinSum(beta: Float)
}

/// Flooding-schedule belief propagation on the Tanner graph of H (every row of H is used).
///
/// Per iteration: all check-to-variable messages from the variable-to-check ones, then every variable's
/// posterior L_v = llr_v + Σ_c m_cv and its outgoing m_vc = L_v − m_cv. Stops early when the hard
/// decision of L satisfies every check (the decision is then a codeword). Magnitudes are clamped so the
/// tanh rule never reaches ±1: |m_vc| ≤ 30, |∏ tanh| ≤ 1 − 1e-7 (|m_cv| ≤ ~16.6).
///
/// Sum-product, `kernels: .avx2`: the C kernel `nk_bp_sum_product_lanes` decodes eight frames at once, one per
/// AVX2 lane, and a lane whose frame is done takes the next one (same decisions, same early stop per frame).
/// `.portable`: whole-array Swift SIMD passes over the edges of one frame (tanh(x/2) for every edge, exclusive
/// products per check, 2·atanh for every edge, `SIMDMath`). `.reference`: the plain per-check libm twin
/// (`CheckNode.update`) that the tests compare both against.
///
/// `schedule: .layered` runs the row-serial schedule instead (`BeliefPropagationDecoder+Layered.swift`).
public struct BeliefPropagationDecoder: Decoder {
    /// The order of message updates within an iteration.
    public enum Schedule: Sendable, Equatable {
        /// Every check, then every variable (the default; `bpN`, `msN`, `nmsN`, `omsN`).
        case flooding
        /// One check at a time, the posteriors updated after each (`lbpN`).
        case layered
    }

    public let name: String
    public let graph: TannerGraph
    public let iterations: Int
    public let rule: CheckNodeRule
    public let schedule: Schedule
    /// `.reference`: the scalar libm check-node kernel instead of the SIMD one.
    public var kernels: KernelPath = .best

    /// The default name is `bpN` (flooding) or `lbpN` (layered). `iterations` must be at least 1.
    public init(
        code: LinearCode, iterations: Int, rule: CheckNodeRule = .sumProduct, schedule: Schedule = .flooding,
        name: String? = nil
    ) {
        precondition(iterations >= 1, "BP: iterations must be at least 1")
        self.graph = code.tannerGraph
        self.iterations = iterations
        self.rule = rule
        self.schedule = schedule
        self.name = name ?? (schedule == .layered ? "lbp\(iterations)" : "bp\(iterations)")
    }

    public func decode(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>) {
        if schedule == .layered {
            decodeLayered(llr: llr, count: count, into: bits)
            return
        }
        if rule == .sumProduct && kernels.runnable.usesAVX2 && count > 0 {
            decodeInLanes(llr: llr, count: count, into: bits)
            return
        }
        let n = graph.n, E = graph.edgeCount
        let padded = (E + 7) & ~7
        var work = Workspace(edges: padded, variables: n, maxDegree: graph.checkNeighbors.map(\.count).max() ?? 1)
        defer { work.deallocate() }
        graph.edgeVariable.withUnsafeBufferPointer { edgeVar in
            graph.checkEdgeStart.withUnsafeBufferPointer { cStart in
                for f in 0..<count {
                    let l = UnsafeBufferPointer(rebasing: llr[(f * n)..<((f + 1) * n)])
                    let out = UnsafeMutableBufferPointer(rebasing: bits[(f * n)..<((f + 1) * n)])
                    decodeFrame(l, out, &work, edgeVar, cStart)
                }
            }
        }
    }

    /// One frame with its soft output: the hard decision and the posterior LLRs L_v after the last iteration run
    /// (the channel LLRs when the hard decision already satisfies every check). True when BP converged to a
    /// codeword. For BP+OSD, which orders OSD by these posteriors.
    public func decodeWithPosteriors(llr: [Float], bits: inout [UInt8], posteriors: inout [Float]) -> Bool {
        let n = graph.n
        precondition(
            llr.count == n && bits.count == n && posteriors.count == n, "BP: frame of \(llr.count) for n = \(n)")
        var work = Workspace(
            edges: (graph.edgeCount + 7) & ~7, variables: n,
            maxDegree: graph.checkNeighbors.map(\.count).max() ?? 1)
        defer { work.deallocate() }
        for v in 0..<n { work.total[v] = llr[v] }
        graph.edgeVariable.withUnsafeBufferPointer { edgeVar in
            graph.checkEdgeStart.withUnsafeBufferPointer { cStart in
                llr.withUnsafeBufferPointer { l in
                    bits.withUnsafeMutableBufferPointer { decodeFrame(l, $0, &work, edgeVar, cStart) }
                }
            }
        }
        for v in 0..<n { posteriors[v] = work.total[v] }
        return bits.withUnsafeMutableBufferPointer { graph.satisfiesAllChecks($0) }
    }

    /// The AVX2 kernel: eight frames across the SIMD lanes, a finished lane taking the next frame.
    func decodeInLanes(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>) {
        let n = graph.n, E = graph.edgeCount
        let work = UnsafeMutablePointer<Float>.allocate(capacity: 24 * E + 16 * n)
        defer { work.deallocate() }
        graph.edgeVariable.withUnsafeBufferPointer { edgeVar in
            graph.checkEdgeStart.withUnsafeBufferPointer { cStart in
                nk_bp_sum_product_lanes(
                    llr.baseAddress!, bits.baseAddress!, count, n, graph.m, E, edgeVar.baseAddress!,
                    cStart.baseAddress!, iterations, work)
            }
        }
    }

    /// Per-call scratch: messages over the (padded) edges and the posteriors.
    struct Workspace {
        let v2c, c2v, t: UnsafeMutableBufferPointer<Float>
        let total: UnsafeMutableBufferPointer<Float>
        let scratch: UnsafeMutableBufferPointer<Float>

        init(edges: Int, variables: Int, maxDegree: Int) {
            func zeros(_ c: Int) -> UnsafeMutableBufferPointer<Float> {
                let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(c, 8))
                p.initialize(repeating: 0)
                return p
            }
            v2c = zeros(edges); c2v = zeros(edges); t = zeros(edges); total = zeros(variables);
            scratch = zeros(maxDegree)
        }

        func deallocate() { [v2c, c2v, t, total, scratch].forEach { $0.deallocate() } }
    }

    @inline(__always)
    func decodeFrame(
        _ llr: UnsafeBufferPointer<Float>, _ out: UnsafeMutableBufferPointer<UInt8>, _ w: inout Workspace,
        _ edgeVar: UnsafeBufferPointer<Int>, _ cStart: UnsafeBufferPointer<Int>
    ) {
        let n = graph.n, m = graph.m, E = graph.edgeCount
        for v in 0..<n { out[v] = hardDecision(llr[v]) }
        if graph.satisfiesAllChecks(out) { return }
        for e in 0..<E { w.v2c[e] = clampMessage(llr[edgeVar[e]]) }
        let fast = rule == .sumProduct && kernels != .reference
        for _ in 0..<iterations {
            // check nodes
            if fast {
                SumProduct.tanhHalf(w.v2c, into: w.t, count: E)
                for c in 0..<m {
                    SumProduct.exclusiveProducts(
                        UnsafeBufferPointer(rebasing: w.t[cStart[c]..<cStart[c + 1]]),
                        into: UnsafeMutableBufferPointer(rebasing: w.c2v[cStart[c]..<cStart[c + 1]]))
                }
                SumProduct.twoAtanhClamped(w.c2v, count: E)
            } else {
                for c in 0..<m {
                    let s = cStart[c], t = cStart[c + 1]
                    CheckNode.update(
                        rule, input: UnsafeBufferPointer(rebasing: w.v2c[s..<t]),
                        output: UnsafeMutableBufferPointer(rebasing: w.c2v[s..<t]), scratch: w.scratch)
                }
            }
            // variable nodes: scatter-add the posteriors, then gather the extrinsic messages
            for v in 0..<n { w.total[v] = llr[v] }
            for e in 0..<E { w.total[edgeVar[e]] += w.c2v[e] }
            for e in 0..<E { w.v2c[e] = clampMessage(w.total[edgeVar[e]] - w.c2v[e]) }
            for v in 0..<n { out[v] = hardDecision(w.total[v]) }
            if graph.satisfiesAllChecks(out) { return }
        }
    }
}

/// SIMD kernels of the sum-product check node.
enum SumProduct {
    /// out[i] = tanh(x[i] / 2) for i < count (rounded up to a multiple of 8: buffers are padded).
    @inline(__always)
    static func tanhHalf(
        _ x: UnsafeMutableBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>, count: Int
    ) {
        let src = UnsafeRawPointer(x.baseAddress!), dst = UnsafeMutableRawPointer(out.baseAddress!)
        var i = 0
        while i < count {
            let v = src.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            dst.storeBytes(of: SIMDMath.tanhHalf(v), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
    }

    /// x[i] ← 2·atanh(clamp(x[i], ±(1 − 1e-7))) in place, for i < count rounded up to 8.
    @inline(__always)
    static func twoAtanhClamped(_ x: UnsafeMutableBufferPointer<Float>, count: Int) {
        let p = UnsafeMutableRawPointer(x.baseAddress!)
        let limit = SIMD8<Float>(repeating: CheckNode.tanhLimit)
        var i = 0
        while i < count {
            var v = p.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            v = v.replacing(with: limit, where: v .> limit).replacing(with: -limit, where: v .< -limit)
            p.storeBytes(of: SIMDMath.twoAtanh(v), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
    }

    /// out[i] = ∏_{j ≠ i} t[j], by a forward prefix and a backward suffix sweep (no division).
    @inline(__always)
    static func exclusiveProducts(_ t: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        let d = t.count
        var prefix: Float = 1
        for i in 0..<d { out[i] = prefix; prefix *= t[i] }
        var suffix: Float = 1
        var i = d - 1
        while i >= 0 { out[i] *= suffix; suffix *= t[i]; i -= 1 }
    }

    /// One check's sum-product update with the SIMD kernels: out[i] = 2·atanh(∏_{j≠i} tanh(in[j]/2)).
    /// `scratch` holds at least d rounded up to 8 floats; `out` too.
    @inline(__always)
    static func update(
        input: UnsafeBufferPointer<Float>, output: UnsafeMutableBufferPointer<Float>,
        scratch: UnsafeMutableBufferPointer<Float>, padded: UnsafeMutableBufferPointer<Float>
    ) {
        let d = input.count
        for i in 0..<d { padded[i] = input[i] }
        tanhHalf(padded, into: scratch, count: d)
        exclusiveProducts(UnsafeBufferPointer(rebasing: scratch[0..<d]), into: padded)
        twoAtanhClamped(padded, count: d)
        for i in 0..<d { output[i] = padded[i] }
    }
}

@inline(__always) func clampMessage(_ x: Float) -> Float { min(max(x, -30), 30) }

/// Check-node kernels shared by the flooding and layered schedules.
enum CheckNode {
    static let tanhLimit: Float = 1 - 1e-7

    /// output[i] = rule applied to all inputs except input[i].  input, output: [d]; scratch: [≥ d].
    @inline(__always)
    static func update(
        _ rule: CheckNodeRule, input: UnsafeBufferPointer<Float>,
        output: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>
    ) {
        let d = input.count
        switch rule {
        case .sumProduct:
            // prefix products in output, then a backward sweep with the suffix product
            for i in 0..<d { scratch[i] = tanhf(0.5 * input[i]) }
            var prefix: Float = 1
            for i in 0..<d { output[i] = prefix; prefix *= scratch[i] }
            var suffix: Float = 1
            for i in stride(from: d - 1, through: 0, by: -1) {
                let p = min(max(output[i] * suffix, -tanhLimit), tanhLimit)
                output[i] = 2 * atanhf(p)
                suffix *= scratch[i]
            }
        case .minSum, .normalizedMinSum, .offsetMinSum:
            var min1 = Float.infinity, min2 = Float.infinity, argMin = 0
            var signs: UInt32 = 0
            for i in 0..<d {
                let x = input[i], a = abs(x)
                if x < 0 { signs ^= 1 }
                if a < min1 { min2 = min1; min1 = a; argMin = i } else if a < min2 { min2 = a }
            }
            for i in 0..<d {
                var mag = i == argMin ? min2 : min1
                switch rule {
                case .normalizedMinSum(let alpha): mag *= alpha
                case .offsetMinSum(let beta): mag = max(mag - beta, 0)
                default: break
                }
                let negative = (signs ^ (input[i] < 0 ? 1 : 0)) & 1 == 1
                output[i] = negative ? -mag : mag
            }
        }
    }
}
