import Base

/// The matching graph of a graphlike detector error model (docs/DESIGN.md §11).
extension DetectorErrorModel {
    /// One edge of the matching graph: between two detectors, or from one detector to the boundary (`v == nil`).
    public struct MatchingEdge: Sendable, Equatable {
        public let u: Int
        public let v: Int?
        public var probability: Double
        /// The observables a match across the edge flips.
        public let observables: [Int]
    }

    /// Every part of every mechanism's decomposition as an edge; parallel edges merged as independent mechanisms
    /// (p ⊕ q = p(1 − q) + q(1 − p)), keeping the first edge's observables, as PyMatching does. Edges in order of first
    /// appearance. Parts that flip no detector cannot be matched and are skipped. A part with more than two detectors
    /// throws, naming its line: the model is not graphlike (ask Stim for `decompose_errors=True`).
    public func matchingEdges() throws -> [MatchingEdge] {
        struct Key: Hashable {
            let u: Int, v: Int
        }
        var index: [Key: Int] = [:], edges: [MatchingEdge] = []
        for m in mechanisms {
            for part in m.parts where !part.detectors.isEmpty {
                guard part.detectors.count <= 2 else {
                    throw QECCError(
                        "\(source):\(m.line): error(\(m.probability)) has a part flipping \(part.detectors.count) "
                            + "detectors (\(part.detectors.map { "D\($0)" }.joined(separator: " "))); matching needs "
                            + "graphlike parts of ≤ 2 detectors (Stim: detector_error_model(decompose_errors=True))")
                }
                let u = part.detectors[0], v = part.detectors.count == 2 ? part.detectors[1] : nil
                let key = Key(u: u, v: v ?? -1)
                if let i = index[key] {
                    let p = edges[i].probability
                    edges[i].probability = p * (1 - m.probability) + m.probability * (1 - p)
                } else {
                    index[key] = edges.count
                    edges.append(MatchingEdge(u: u, v: v, probability: m.probability, observables: part.observables))
                }
            }
        }
        return edges
    }

    /// Whether every part of every mechanism flips at most two detectors.
    public var isGraphlike: Bool { mechanisms.allSatisfy { $0.parts.allSatisfy { $0.detectors.count <= 2 } } }
}

extension DecodingGraph {
    /// The matching graph of a graphlike DEM: node d for detector d, the boundary after them when an edge reaches it;
    /// edge i of `edges` is "qubit" i (a correction marks the edges matched across), weighted log((1 − p)/p) in units
    /// of 1/`resolution` of the largest (p ≥ ½ weighs 0).
    public init(detectors: Int, edges: [DetectorErrorModel.MatchingEdge], resolution: Int = 1 << 16) {
        let odds = edges.map {
            $0.probability <= 0 ? Double.infinity : $0.probability >= 0.5 ? 0 : logOdds($0.probability)
        }
        let top = odds.filter(\.isFinite).max() ?? 1
        let scale = top > 0 ? Double(resolution) / top : 1
        let boundary = edges.contains { $0.v == nil } ? detectors : nil
        var u: [Int32] = [], v: [Int32] = [], q: [Int32] = [], w: [Int] = []
        for (i, e) in edges.enumerated() {
            u.append(Int32(e.u))
            v.append(Int32(e.v ?? boundary!))
            q.append(Int32(i))
            w.append(odds[i].isFinite ? Int((odds[i] * scale).rounded()) : 4 * resolution)
        }
        self.init(
            checks: detectors, rounds: 1, qubits: edges.count, boundary: boundary, edges: (u, v, q, w),
            weights: (resolution, 0))
    }
}
