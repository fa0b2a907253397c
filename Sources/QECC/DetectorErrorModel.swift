import GF2

/// A Stim detector error model (docs/DESIGN.md §11): independent error mechanisms, each with a prior and the detectors
/// and logical observables it flips, optionally split by `^` into a suggested decomposition of graphlike parts.
///
/// From it: the check matrix H [detectors, mechanisms] and observable matrix [observables, mechanisms] that BP, OSD and
/// the neural decoder use (mechanisms with the same symptom merged as independent events, p ⊕ q = p(1 − q) + q(1 − p),
/// in order of first appearance), and for graphlike models the matching graph (`DetectorErrorModel+Graph.swift`).
/// Parse with `DetectorErrorModel(text:source:)` (`DetectorErrorModel+Parse.swift`).
public struct DetectorErrorModel: Sendable, Equatable {
    /// The detectors and observables one mechanism (or one part of its decomposition) flips: sorted, each at most once.
    public struct Symptom: Hashable, Sendable {
        public var detectors: [Int]
        public var observables: [Int]
        public init(detectors: [Int], observables: [Int]) {
            self.detectors = detectors
            self.observables = observables
        }

        /// The symmetric difference (two parts firing together).
        public func combined(with other: Symptom) -> Symptom {
            Symptom(
                detectors: Self.symmetricDifference(detectors, other.detectors),
                observables: Self.symmetricDifference(observables, other.observables))
        }

        /// Sorted targets with pairs cancelled (a target listed twice flips twice).
        static func reduced(_ targets: [Int]) -> [Int] {
            var out: [Int] = []
            for t in targets.sorted() {
                if out.last == t { out.removeLast() } else { out.append(t) }
            }
            return out
        }

        static func symmetricDifference(_ a: [Int], _ b: [Int]) -> [Int] { reduced(a + b) }
    }

    /// One `error(p)` instruction after `repeat` and `shift_detectors` are applied.
    public struct Mechanism: Sendable, Equatable {
        public var probability: Double
        /// The decomposition's parts (one part when the line has no `^`).
        public var parts: [Symptom]
        /// The line of the file it came from (1-based).
        public var line: Int
        /// Every detector and observable it flips: the parts combined.
        public var symptom: Symptom { parts.dropFirst().reduce(parts[0]) { $0.combined(with: $1) } }
    }

    public let detectorCount: Int
    public let observableCount: Int
    public let mechanisms: [Mechanism]
    /// Detector coordinates (with `shift_detectors` coordinate shifts applied), for the detectors that declare them.
    public let coordinates: [Int: [Double]]
    /// Where the model came from (a file name), for messages.
    public let source: String

    /// One merged mechanism: a distinct non-empty symptom and the combined prior of the mechanisms that have it.
    public struct Column: Sendable, Equatable {
        public let symptom: Symptom
        public var probability: Double
    }

    /// The merged mechanisms in order of first appearance (mechanisms that flip nothing are dropped): computed once, at
    /// init, for the matrices, the sampler and the reports.
    public let columns: [Column]

    /// Equal symptoms merged as independent events, p ⊕ q = p(1 − q) + q(1 − p).
    static func merged(_ mechanisms: [Mechanism]) -> [Column] {
        var index: [Symptom: Int] = [:], out: [Column] = []
        for m in mechanisms {
            let s = m.symptom
            guard !(s.detectors.isEmpty && s.observables.isEmpty) else { continue }
            if let i = index[s] {
                let p = out[i].probability
                out[i].probability = p * (1 - m.probability) + m.probability * (1 - p)
            } else {
                index[s] = out.count
                out.append(Column(symptom: s, probability: m.probability))
            }
        }
        return out
    }

    /// H [detectors, columns], the observable matrix [observables, columns] and the priors of `columns`.
    public var matrices: (check: BitMatrix, observables: BitMatrix, priors: [Double]) {
        let cols = columns
        var h = BitMatrix(rows: detectorCount, columns: cols.count)
        var l = BitMatrix(rows: observableCount, columns: cols.count)
        for (j, c) in cols.enumerated() {
            for d in c.symptom.detectors { h[d, j] = true }
            for o in c.symptom.observables { l[o, j] = true }
        }
        return (h, l, cols.map(\.probability))
    }

    public init(
        detectorCount: Int, observableCount: Int, mechanisms: [Mechanism], coordinates: [Int: [Double]] = [:],
        source: String = "DEM"
    ) {
        self.detectorCount = detectorCount
        self.observableCount = observableCount
        self.mechanisms = mechanisms
        self.columns = Self.merged(mechanisms)
        self.coordinates = coordinates
        self.source = source
    }

    /// Every prior multiplied by `factor` (`--scale-p`); throws when one leaves [0, 1].
    public func scalingPriors(by factor: Double) throws -> DetectorErrorModel {
        guard factor.isFinite, factor >= 0 else {
            throw QECCError("--scale-p must be a finite number ≥ 0, got \(factor)")
        }
        var scaled = mechanisms
        for i in scaled.indices {
            scaled[i].probability *= factor
            guard scaled[i].probability <= 1 else {
                throw QECCError(
                    "\(source):\(scaled[i].line): error(\(mechanisms[i].probability)) scaled by \(factor) is above 1")
            }
        }
        return DetectorErrorModel(
            detectorCount: detectorCount, observableCount: observableCount, mechanisms: scaled,
            coordinates: coordinates, source: source)
    }
}
