import GF2

/// What a neural quantum decoder decodes: a code under Pauli noise (`DecodingProblem`: the stacked H of the neural papers
/// over the error bits, T rounds) or a Stim detector error model (H = detectors × merged mechanisms, the logicals the
/// observables' mechanisms, one "round" of all detectors; docs/DESIGN.md §9, §11).
public enum DQECTarget: Sendable {
    case code(DecodingProblem)
    case detectorErrorModel(DetectorErrorModel)

    /// H [syndrome bits of a round, error bits].
    public var checkMatrix: BitMatrix {
        switch self {
        case .code(let problem): problem.checkMatrix
        case .detectorErrorModel(let model): model.matrices.check
        }
    }

    /// Each logical's (observable's) error bits.
    public var logicals: [[Int]] {
        switch self {
        case .code(let problem): problem.logicalSupports
        case .detectorErrorModel(let model):
            (0..<model.observableCount).map { o in
                model.columns.indices.filter { model.columns[$0].symptom.observables.contains(o) }
            }
        }
    }

    public var rounds: Int {
        if case .code(let problem) = self { return problem.rounds }
        return 1
    }

    /// The code's name, or the model's source with its fingerprint.
    public var name: String {
        switch self {
        case .code(let problem): problem.code.name
        case .detectorErrorModel(let model): "DEM \(model.source) (\(model.structureFingerprint))"
        }
    }

    /// Error bits (N) and syndrome bits of one round (M).
    public var errorLength: Int {
        switch self {
        case .code(let problem): problem.errorLength
        case .detectorErrorModel(let model): model.columns.count
        }
    }

    public var syndromeLength: Int {
        switch self {
        case .code(let problem): problem.syndromeLength
        case .detectorErrorModel(let model): model.detectorCount
        }
    }

    /// What a weights file must be for: "[n + m, d] = […]" and who it is for, for messages.
    var shapeDescription: String {
        switch self {
        case .code(let problem): "\(problem.code.name) with \(problem.noise.rawValue) noise"
        case .detectorErrorModel(let model):
            "\(model.source) (\(model.columns.count) mechanisms, \(model.detectorCount) detectors)"
        }
    }
}
