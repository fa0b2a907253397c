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
public struct BeliefPropagationDecoder: Decoder {
    public let name: String
    public let graph: TannerGraph
    public let iterations: Int
    public let rule: CheckNodeRule

    public init(code: LinearCode, iterations: Int, rule: CheckNodeRule = .sumProduct, name: String? = nil) {
        precondition(iterations >= 1, "BP: iterations must be at least 1")
        self.graph = code.tannerGraph
        self.iterations = iterations
        self.rule = rule
        self.name = name ?? "bp\(iterations)"
    }

    public func decode(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>) {
        let n = graph.n, E = graph.edgeCount
        let v2c = UnsafeMutableBufferPointer<Float>.allocate(capacity: E)
        let c2v = UnsafeMutableBufferPointer<Float>.allocate(capacity: E)
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, graph.checkNeighbors.map(\.count).max() ?? 1))
        defer { v2c.deallocate(); c2v.deallocate(); scratch.deallocate() }
        graph.edgeVariable.withUnsafeBufferPointer { edgeVar in
            graph.checkEdgeStart.withUnsafeBufferPointer { cStart in
                graph.variableEdgeStart.withUnsafeBufferPointer { vStart in
                    graph.variableEdgeList.withUnsafeBufferPointer { vEdges in
                        for f in 0..<count {
                            let l = UnsafeBufferPointer(rebasing: llr[(f * n)..<((f + 1) * n)])
                            let out = UnsafeMutableBufferPointer(rebasing: bits[(f * n)..<((f + 1) * n)])
                            decodeFrame(l, out, v2c, c2v, scratch, edgeVar, cStart, vStart, vEdges)
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    func decodeFrame(_ llr: UnsafeBufferPointer<Float>, _ out: UnsafeMutableBufferPointer<UInt8>,
                     _ v2c: UnsafeMutableBufferPointer<Float>, _ c2v: UnsafeMutableBufferPointer<Float>,
                     _ scratch: UnsafeMutableBufferPointer<Float>,
                     _ edgeVar: UnsafeBufferPointer<Int>, _ cStart: UnsafeBufferPointer<Int>,
                     _ vStart: UnsafeBufferPointer<Int>, _ vEdges: UnsafeBufferPointer<Int>) {
        let n = graph.n, m = graph.m
        for v in 0..<n { out[v] = hardDecision(llr[v]) }
        if graph.satisfiesAllChecks(out) { return }
        for e in 0..<edgeVar.count { v2c[e] = clampMessage(llr[edgeVar[e]]) }
        for _ in 0..<iterations {
            for c in 0..<m {
                let s = cStart[c], t = cStart[c + 1]
                CheckNode.update(rule, input: UnsafeBufferPointer(rebasing: v2c[s..<t]),
                                 output: UnsafeMutableBufferPointer(rebasing: c2v[s..<t]), scratch: scratch)
            }
            for v in 0..<n {
                var total = llr[v]
                let s = vStart[v], t = vStart[v + 1]
                for i in s..<t { total += c2v[vEdges[i]] }
                for i in s..<t { let e = vEdges[i]; v2c[e] = clampMessage(total - c2v[e]) }
                out[v] = hardDecision(total)
            }
            if graph.satisfiesAllChecks(out) { return }
        }
    }
}

@inline(__always) func clampMessage(_ x: Float) -> Float { min(max(x, -30), 30) }

/// Check-node kernels shared by the flooding and layered schedules.
enum CheckNode {
    static let tanhLimit: Float = 1 - 1e-7

    /// output[i] = rule applied to all inputs except input[i].  input, output: [d]; scratch: [≥ d].
    @inline(__always)
    static func update(_ rule: CheckNodeRule, input: UnsafeBufferPointer<Float>,
                       output: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>) {
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
                case let .normalizedMinSum(alpha): mag *= alpha
                case let .offsetMinSum(beta): mag = max(mag - beta, 0)
                default: break
                }
                let negative = (signs ^ (input[i] < 0 ? 1 : 0)) & 1 == 1
                output[i] = negative ? -mag : mag
            }
        }
    }
}
