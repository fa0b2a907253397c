import Base

/// How a run cuts each step's batch and combines the slices' gradients, stored in its checkpoint (metadata `state`)
/// so that a resumed run — under any thread or rank count — keeps them and continues bit for bit (docs/DESIGN.md §10).
public struct DataParallelism: Codable, Equatable, Sendable {
    /// Slices of the batch (1 … batch size).
    public var slices: Int
    /// `mean` or `adacons`.
    public var aggregation: String
    /// AdaCons's momentum (nil for `mean`).
    public var adaconsMomentum: Double?
    /// AdaCons's running weights of the sorted slices ([slices]), nil before its first step.
    public var adaconsState: [Double]?

    public init(slices: Int, aggregation: GradientAggregation, adaconsState: [Double]? = nil) {
        self.slices = slices
        switch aggregation {
        case .mean: self.aggregation = "mean"
        case .adacons(let m): self.aggregation = "adacons"; adaconsMomentum = m
        }
        self.adaconsState = adaconsState
    }

    /// The aggregation as the trainer takes it; throws a `SettingsError` for an unknown name or momentum.
    public func gradientAggregation() throws -> GradientAggregation {
        try GradientAggregation.named(aggregation, momentum: adaconsMomentum ?? 0.99)
    }

    /// What makes this impossible for a batch of `batchSize` (nil when it is fine).
    func problem(batchSize: Int) -> String? {
        guard (1...batchSize).contains(slices) else { return "slices \(slices) is outside 1…\(batchSize) (the batch)" }
        do { _ = try gradientAggregation() } catch let e as SettingsError { return e.message } catch {
            return "\(error)"
        }
        if let state = adaconsState {
            guard aggregation == "adacons", state.count == slices, state.allSatisfy(\.isFinite) else {
                return "adaconsState must be \(slices) finite numbers of an adacons run"
            }
        }
        return nil
    }
}

/// What a new or resumed run asks for: nil fields keep a resumed run's stored choice (a new run: one slice per worker
/// thread of all ranks, `mean`).
public struct DataParallelRequest: Sendable, Equatable {
    public var slices: Int?
    public var aggregation: GradientAggregation?
    public init(slices: Int? = nil, aggregation: GradientAggregation? = nil) {
        self.slices = slices
        self.aggregation = aggregation
    }
}
