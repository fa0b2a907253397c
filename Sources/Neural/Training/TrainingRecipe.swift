/// What a model family gives the one run layer (`TrainingRun`): its network, its settings, the batch of any global
/// step, validation, and its checkpoint metadata. Everything else — the epoch loop, the schedule, the wall-clock
/// budget with mid-epoch checkpoints, stopping on a non-finite step, the checkpoint layout, field-by-field settings
/// checks on resume, the curve and the progress events — is the run layer's, the same for every family.
///
/// Reproducibility contract: `batch(step:)` is a function of the settings and the step alone (draw sample i of step t
/// from `SeededRNG(seed).derived(t)…`), so a resumed run sees the batches of an uninterrupted one.
public protocol TrainingRecipe: AnyObject {
    associatedtype Network: TrainableNetwork
    associatedtype Settings: RunSettings
    /// One row of the learning curve.
    associatedtype Record: Codable & Equatable & Sendable
    /// What the family snapshots at each epoch's start (stored with the run state).
    associatedtype Context: Codable & Equatable & Sendable = NoEpochContext
    /// The family's model (network, code, sizes).
    associatedtype Model

    /// The recipe for training `model` with `settings`; throws a `SettingsError` for settings that cannot run.
    init(model: Model, settings: Settings) throws

    var model: Model { get }
    var network: Network { get }
    var settings: Settings { get }

    /// The checkpoint's `format` tag (`eccbench-ecct-1`, …): a checkpoint of another family is refused by it.
    static var checkpointFormat: String { get }
    /// The model's description in the checkpoint metadata (code, sizes, heads, …).
    func checkpointMetadata() -> [String: String]
    /// Tensors saved beside the parameters (the AECCT's spectral table), by name.
    func extraTensors() -> [String: Tensor]

    /// Worker threads the family can use for `requested` (the AECCT's batch-wide activation scales need one).
    func workers(requested: Int) -> Int
    /// Samples per chunk of a worker's share of the batch.
    var microBatch: Int { get }

    /// Raw inputs [B, inputWidth] and targets [B, targetWidth] of global step `step`.
    func batch(step: Int) throws -> (input: [Float], targets: [Float])
    /// Parameter groups in force for global step `step` (nil: none).
    func parameterGroups(step: Int) -> [ParameterGroup]?
    /// Bit errors and bits of a step's decisions, for the training BER (a family that counts none returns (0, 0)).
    func bitErrors(input: [Float], targets: [Float], logits: [Float]) -> (errors: Int, bits: Int)
    /// The snapshot at an epoch's start.
    func epochContext() -> Context
    /// What is wrong with a context read back from a checkpoint (nil when it could be this run's).
    func problem(withStoredContext context: Context) -> String?
    /// After the epoch's last step (parameters prepared): validation, and the curve's record.
    func endEpoch(_ summary: EpochSummary, context: Context?) throws -> Record
    /// The learning curve's columns, and one record's values (formatted).
    var curveColumns: [String] { get }
    func curveRow(_ record: Record) -> [String]
}

extension TrainingRecipe {
    public func extraTensors() -> [String: Tensor] { [:] }
    public func problem(withStoredContext context: Context) -> String? { nil }
    public func workers(requested: Int) -> Int { max(1, min(requested, settings.batchSize)) }
    public var microBatch: Int { 8 }
    public func parameterGroups(step: Int) -> [ParameterGroup]? { nil }
    public func bitErrors(input: [Float], targets: [Float], logits: [Float]) -> (errors: Int, bits: Int) { (0, 0) }
}

extension TrainingRecipe where Context == NoEpochContext {
    public func epochContext() -> NoEpochContext { NoEpochContext() }
}
