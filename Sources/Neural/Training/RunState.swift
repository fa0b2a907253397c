/// Where a training run is, stored in every checkpoint (metadata `state`): global steps done, wall-clock seconds, the
/// learning curve, the running sums of the unfinished epoch and the family's snapshot taken at its start. Resuming
/// from any step therefore finishes the epoch with the records of an uninterrupted run.
///
/// Decoding fills missing fields with their start values, so the states of older checkpoints (which stored a subset
/// of these keys, and `epochsDone`) still resume.
public struct RunState<Record: Codable & Equatable & Sendable, Context: Codable & Equatable & Sendable>: Codable,
    Equatable, Sendable
{
    public var step = 0
    /// Wall-clock seconds of the run so far (validation included).
    public var seconds = 0.0
    public var curve: [Record] = []
    /// Running sums of the current epoch: loss over its steps, bit errors and bits of the steps' decisions (families
    /// that count them), and the seconds its steps took (validation excluded).
    public var epochLoss = 0.0
    public var epochBitErrors = 0
    public var epochBits = 0
    public var epochSeconds = 0.0
    /// The family's snapshot at the current epoch's start (the learned code's P, to count its changes), or nil.
    public var context: Context?
    /// How the run cuts its batches and combines their gradients (nil in checkpoints older than slices: their runs
    /// had as many slices as worker threads).
    public var parallel: DataParallelism?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case step, seconds, curve, epochLoss, epochBitErrors, epochBits, epochSeconds, context, parallel
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        step = try c.decodeIfPresent(Int.self, forKey: .step) ?? 0
        seconds = try c.decodeIfPresent(Double.self, forKey: .seconds) ?? 0
        curve = try c.decodeIfPresent([Record].self, forKey: .curve) ?? []
        epochLoss = try c.decodeIfPresent(Double.self, forKey: .epochLoss) ?? 0
        epochBitErrors = try c.decodeIfPresent(Int.self, forKey: .epochBitErrors) ?? 0
        epochBits = try c.decodeIfPresent(Int.self, forKey: .epochBits) ?? 0
        epochSeconds = try c.decodeIfPresent(Double.self, forKey: .epochSeconds) ?? 0
        context = try c.decodeIfPresent(Context.self, forKey: .context)
        parallel = try c.decodeIfPresent(DataParallelism.self, forKey: .parallel)
    }

    /// Epochs finished.
    public var epochsDone: Int { curve.count }

    /// Throws a `CheckpointError` naming the file and field when the state cannot be the state of a run with these
    /// settings: a step outside 0…epochs × steps, more finished epochs than the step has completed, non-finite
    /// sums or negative seconds, more bit errors than bits.
    public func check(settings: some RunSettings, path: String) throws {
        func fail(_ s: String) -> CheckpointError { CheckpointError("\(path): metadata 'state': \(s)") }
        guard (0...settings.totalSteps).contains(step) else {
            throw fail("step \(step) is outside 0…\(settings.totalSteps) (epochs × steps per epoch)")
        }
        guard curve.count <= step / settings.stepsPerEpoch else {
            throw fail("\(curve.count) finished epochs, but step \(step) completes \(step / settings.stepsPerEpoch)")
        }
        for (name, value) in [("seconds", seconds), ("epochSeconds", epochSeconds)]
        where !(value.isFinite && value >= 0) {
            throw fail("\(name) is \(value)")
        }
        guard epochLoss.isFinite else { throw fail("epochLoss is \(epochLoss)") }
        guard epochBits >= 0, (0...epochBits).contains(epochBitErrors) else {
            throw fail("epochBitErrors \(epochBitErrors) and epochBits \(epochBits) are not counts of the same bits")
        }
        if let parallel {
            if let problem = parallel.problem(batchSize: settings.batchSize) { throw fail("parallel: \(problem)") }
        }
    }
}

/// The context of families that keep nothing per epoch.
public struct NoEpochContext: Codable, Equatable, Sendable {
    public init() {}
}

/// What the run layer measured over one epoch, handed to the family to make its curve record.
public struct EpochSummary: Sendable, Equatable {
    /// 1-based.
    public var epoch: Int
    /// Training samples seen at the end of the epoch.
    public var samples: Int
    /// Mean training loss over the epoch's steps.
    public var loss: Double
    /// Bit error rate of the decisions on the epoch's training batches (0 for families that count none).
    public var trainBER: Double
    /// The learning rate of the epoch's last step.
    public var learningRate: Float
    /// Seconds of the epoch's training steps (validation excluded).
    public var trainingSeconds: Double
    /// Wall-clock seconds of the run when the epoch's validation starts (earlier validations included).
    public var runSeconds: Double
    /// Training samples per epoch (steps per epoch × batch size).
    public var samplesPerEpoch: Int
    /// The run's worker threads (validation runs on them too).
    public var workers: Int
}
