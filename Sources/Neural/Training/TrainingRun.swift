import Base
import Foundation

/// The one training run of every model family (ECCT/AECCT, the neural quantum decoder, learned codes): the family's
/// `TrainingRecipe` plugged into a data-parallel Adam loop.
///
/// Step s: the learning rate of s (`RunSettings.learningRate(step:)`), the family's parameter groups and batch of s,
/// one `DataParallelTrainer` step. A non-finite loss or gradient throws `TrainingError` naming the step; the step is
/// not taken and nothing is written, so the last checkpoint stays the last good state. After each epoch's last step
/// the family validates and makes the curve's record, and a checkpoint is written (atomically). When the deadline
/// passes the run writes a checkpoint at once, mid-epoch, and returns `.outOfTime`; resuming it (`RunCheckpoint`)
/// ends with the weights, Adam state and curve of an uninterrupted run (same worker count and kernel path).
public final class TrainingRun<Recipe: TrainingRecipe>: @unchecked Sendable {
    public typealias State = RunState<Recipe.Record, Recipe.Context>

    public let recipe: Recipe
    public private(set) var state: State
    /// This process's worker threads, and the ranks the run spreads over.
    public let workers: Int
    public let group: any ProcessGroup
    let trainer: DataParallelTrainer<Recipe.Network>

    public enum Event {
        /// After each step: the step's loss, the epoch's running loss and training BER, this session's training
        /// samples/s (validation excluded).
        case step(step: Int, loss: Float, epochLoss: Double, epochBER: Double, samplesPerSecond: Double)
        /// Validation of an epoch is starting.
        case validating(epoch: Int)
        case epoch(Recipe.Record, EpochSummary)
        case checkpoint(path: String)
    }

    /// How `train` returned: the run is finished, or stopped with a checkpoint by the deadline or by `stop`.
    public enum Outcome: Equatable, Sendable { case finished, outOfTime, interrupted }

    /// A run of `recipe` on `workers` threads of each rank of `group`. The requested slices and aggregation (nil: the
    /// stored ones of a resumed run, else one slice per worker of all ranks and `mean`) fix the numbers; a resumed run
    /// that asks for others than it started with is refused (its weights depend on them).
    public init(
        recipe: Recipe, workers requested: Int, state: State = .init(), optimizer: Adam? = nil,
        parallel request: DataParallelRequest = .init(), group: any ProcessGroup = Ranks.world
    ) throws {
        try recipe.settings.validate()
        guard requested >= 1 else { throw SettingsError("training: workers \(requested) must be at least 1") }
        self.recipe = recipe
        self.group = group
        var state = state
        let settings = recipe.settings
        let parallel = try Self.parallelism(
            recipe: recipe, stored: state.parallel, slices: request.slices, aggregation: request.aggregation,
            workers: requested * group.size)
        state.parallel = parallel
        self.state = state
        var adam = optimizer ?? settings.makeOptimizer()
        adam.learningRate = settings.learningRate(step: state.step)
        trainer = DataParallelTrainer(
            network: recipe.network, batch: settings.batchSize, slices: parallel.slices, threads: requested,
            group: group, optimizer: adam, microBatch: recipe.microBatch,
            aggregation: try parallel.gradientAggregation())
        trainer.adaconsState = parallel.adaconsState
        workers = trainer.workers
        trainer.clipNorm = settings.clipNorm
        if let groups = recipe.parameterGroups(step: state.step) { trainer.groups = groups }
    }

    /// The run's slices and aggregation: the requested ones over the stored ones, checked.
    static func parallelism(
        recipe: Recipe, stored: DataParallelism?, slices: Int?, aggregation: GradientAggregation?, workers: Int
    ) throws -> DataParallelism {
        let batch = recipe.settings.batchSize
        if let stored, let slices, slices != stored.slices {
            throw SettingsError(
                "slices: the run was started with \(stored.slices) slices, not \(slices); a resumed run keeps them "
                    + "(its weights depend on them)")
        }
        let storedAggregation = try stored?.gradientAggregation()
        if let storedAggregation, let aggregation, aggregation != storedAggregation {
            throw SettingsError(
                "aggregation: the run was started with \(storedAggregation), not \(aggregation); a resumed run keeps it"
            )
        }
        let S = slices ?? stored?.slices ?? recipe.workers(requested: workers)
        guard (1...batch).contains(S) else {
            throw SettingsError("slices \(S) must be in 1…\(batch) (the batch size)")
        }
        if S > 1, recipe.workers(requested: batch) == 1 {
            throw SettingsError(
                "slices \(S): this training step needs the whole batch in one slice (batch-wide statistics); give 1")
        }
        let stride = recipe.network.parameters.count + recipe.network.auxiliaryGradientCount
        guard Double(S) * Double(stride) * 4 <= Double(TransformerBudget.maxChunkBytes) else {
            throw SettingsError(
                "slices \(S): \(S) gradients of \(stride) floats exceed the memory budget; give fewer slices")
        }
        var parallel = DataParallelism(slices: S, aggregation: aggregation ?? storedAggregation ?? .mean)
        if let stored, stored.adaconsState?.count == S { parallel.adaconsState = stored.adaconsState }
        return parallel
    }

    public var settings: Recipe.Settings { recipe.settings }
    public var optimizer: Adam { trainer.optimizer }
    public var network: Recipe.Network { recipe.network }
    public var totalSteps: Int { settings.totalSteps }
    public var samplesSeen: Int { state.step * settings.batchSize }

    /// One optimisation step; returns its loss. Throws a `TrainingError` when the loss or a gradient is not finite:
    /// the step is then not taken (weights, Adam's state and the run's state stay as they were before it).
    @discardableResult
    public func step() throws -> Float {
        let s = state.step
        let started = Date()
        if state.context == nil { state.context = recipe.epochContext() }  // the epoch's first step
        trainer.optimizer.learningRate = settings.learningRate(step: s)
        if let groups = recipe.parameterGroups(step: s) { trainer.groups = groups }
        let (x, t) = try recipe.batch(step: s)
        let loss = trainer.step(input: x, targets: t, seed: settings.seed, step: UInt64(s))
        switch trainer.lastUpdate {
        case .applied: break
        case .skippedNonFiniteLoss:
            throw TrainingError(step: s + 1, "the loss is \(loss) (learning rate \(trainer.optimizer.learningRate))")
        case .skippedNonFiniteGradient(let i):
            let name = network.parameters.entries.last { $0.offset <= i }?.name ?? "?"
            throw TrainingError(
                step: s + 1,
                "the gradient of '\(name)' is not finite (loss \(loss), learning rate \(trainer.optimizer.learningRate))"
            )
        }
        let (errors, bits) = recipe.bitErrors(input: x, targets: t, logits: trainer.logits)
        state.parallel?.adaconsState = trainer.adaconsState
        state.step += 1
        state.epochLoss += Double(loss)
        state.epochBitErrors += errors
        state.epochBits += bits
        state.epochSeconds += Date().timeIntervalSince(started)
        return loss
    }

    /// Prepares the network for evaluation with the current parameters (the AECCT's quantised weights, the
    /// learned code's G): the trainer prepares before each step's forward, so after the last update it is stale.
    public func prepareForEvaluation() {
        network.parameters.values.withUnsafeBufferPointer { network.prepare(parameters: $0.baseAddress!) }
    }

    /// Train until `totalSteps`, the deadline, or `stop()` answers true (checked after every step: an interrupt). Writes
    /// a checkpoint to `path` after every epoch and when the deadline or `stop` ends the run (atomically, so a kill at
    /// any moment leaves the previous checkpoint intact).
    @discardableResult
    public func train(
        deadline: Date? = nil, checkpoint path: String? = nil, stop: () -> Bool = { false },
        report: (Event) -> Void = { _ in }
    ) throws -> Outcome {
        let stepsAtStart = state.step
        var lastClock = Date()
        var trainingSeconds = 0.0
        func tick() {
            let now = Date()
            state.seconds += now.timeIntervalSince(lastClock)
            lastClock = now
        }
        let B = settings.batchSize
        let S = settings.stepsPerEpoch
        while state.step < totalSteps {
            let before = state.epochSeconds
            let loss = try step()
            trainingSeconds += state.epochSeconds - before
            let inEpoch = (state.step - 1) % S + 1
            let rate = Double((state.step - stepsAtStart) * B) / max(1e-9, trainingSeconds)
            report(
                .step(
                    step: state.step, loss: loss, epochLoss: state.epochLoss / Double(inEpoch),
                    epochBER: Double(state.epochBitErrors) / Double(max(1, state.epochBits)), samplesPerSecond: rate))
            if state.step % S == 0 {
                let epoch = state.step / S
                report(.validating(epoch: epoch))
                prepareForEvaluation()
                tick()
                let summary = EpochSummary(
                    epoch: epoch, samples: samplesSeen, loss: state.epochLoss / Double(S),
                    trainBER: Double(state.epochBitErrors) / Double(max(1, state.epochBits)),
                    learningRate: trainer.optimizer.learningRate, trainingSeconds: state.epochSeconds,
                    runSeconds: state.seconds, samplesPerEpoch: S * B, workers: workers)
                let record = try recipe.endEpoch(summary, context: state.context)
                tick()
                state.curve.append(record)
                state.epochLoss = 0
                state.epochBitErrors = 0
                state.epochBits = 0
                state.epochSeconds = 0
                state.context = nil
                report(.epoch(record, summary))
                if let path {
                    try save(to: path)
                    report(.checkpoint(path: path))
                }
            }
            // every rank stops at the same step: a stop seen by any rank (an interrupt, its clock) stops all
            var flags = [stop() ? 1 : 0, deadline.map({ Date() >= $0 }) == true ? 1 : 0]
            if group.size > 1 { flags = group.sum(flags) }
            let interrupted = flags[0] > 0
            if interrupted || flags[1] > 0, state.step < totalSteps {
                tick()
                if let path {
                    try save(to: path)
                    report(.checkpoint(path: path))
                }
                return interrupted ? .interrupted : .outOfTime
            }
        }
        tick()
        return .finished
    }

    /// Writes the run's checkpoint: weights, Adam's moments, settings, state (`RunCheckpoint`).
    public func save(to path: String, notes: [String: String] = [:]) throws {
        try RunCheckpoint.save(self, notes: notes, to: path)
    }

    /// "P parameters; E epochs × S steps × B", for a run's first line.
    public var sizeDescription: String {
        "\(network.parameters.count) parameters; \(settings.epochs) epochs × \(settings.stepsPerEpoch) steps × "
            + "\(settings.batchSize)"
    }

    /// "8 slices (mean) on 2 ranks × 1 thread", for a run's first line.
    public var parallelDescription: String {
        let p = trainer
        return "\(p.slices) slice\(p.slices == 1 ? "" : "s") (\(p.aggregation)) on "
            + (group.size > 1 ? "\(group.size) ranks × " : "") + "\(workers) thread\(workers == 1 ? "" : "s")"
    }

    /// The learning curve as CSV: the recipe's columns, one line per epoch.
    public var curveCSV: String {
        ([recipe.curveColumns] + state.curve.map(recipe.curveRow)).map { $0.joined(separator: ",") }.joined(
            separator: "\n")
            + "\n"
    }
}

extension TrainingRun {
    /// A new run of `model` with `config` (or one restored from a checkpoint's state and Adam).
    public convenience init(
        model: Recipe.Model, config: Recipe.Settings, workers: Int, state: State = .init(), optimizer: Adam? = nil,
        parallel: DataParallelRequest = .init()
    ) throws {
        try self.init(
            recipe: try Recipe(model: model, settings: config), workers: workers, state: state, optimizer: optimizer,
            parallel: parallel)
    }

    public var model: Recipe.Model { recipe.model }
    public var config: Recipe.Settings { recipe.settings }
}
