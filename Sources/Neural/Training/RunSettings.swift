import Base
import Foundation

/// The settings every training run has, whatever its model family: the optimiser's learning-rate schedule, the run's
/// length and batch, the seed and the gradient clip. A family's settings type adds its own fields (code, sizes, grids)
/// and is stored whole in every checkpoint, so `--resume` can compare it field by field.
///
/// Schedules: `cosine` (nil, the papers' recipe) is PyTorch's CosineAnnealingLR with T_max = `epochs`, stepped once
/// per epoch, from `learningRate` to `minimumLearningRate`; `wsd` is a linear warm-up over `warmupSteps`, constant,
/// then a linear decay to `minimumLearningRate` over the last `decaySteps` steps, set every step.
public protocol RunSettings: Codable, Equatable, Sendable {
    var learningRate: Float { get set }
    var minimumLearningRate: Float { get set }
    var epochs: Int { get set }
    var stepsPerEpoch: Int { get set }
    var batchSize: Int { get set }
    var seed: UInt64 { get set }
    /// `cosine` (nil) or `wsd`.
    var schedule: String? { get set }
    var warmupSteps: Int? { get set }
    var decaySteps: Int? { get set }
    /// Global gradient-norm clip (nil: none, as the references).
    var clipNorm: Float? { get set }
    /// Fields (their JSON keys) that a resumed run may change; every other stored setting must be given unchanged.
    static var resumableFields: Set<String> { get }
    /// The optimiser these settings ask for (Adam at `learningRate` unless a family says otherwise).
    func makeOptimizer() -> Adam
    /// Throws a `SettingsError` naming the field of an impossible setting.
    func validate() throws
}

extension RunSettings {
    public static var resumableFields: Set<String> { ["epochs"] }

    public func makeOptimizer() -> Adam { Adam(learningRate: learningRate) }

    public var totalSteps: Int { epochs * stepsPerEpoch }

    /// The learning rate during epoch e (0-based) of the cosine schedule.
    public func learningRate(epoch e: Int) -> Float {
        CosineAnnealingLR(baseLearningRate: learningRate, period: epochs, minimumLearningRate: minimumLearningRate)
            .learningRate(afterSteps: e)
    }

    /// Learning rate of global step s: the schedule's value (cosine: that of the step's epoch).
    public func learningRate(step s: Int) -> Float {
        guard schedule == "wsd" else { return learningRate(epoch: s / stepsPerEpoch) }
        let w = warmupSteps ?? 0, d = decaySteps ?? 0
        if s < w { return learningRate * Float(s + 1) / Float(w) }
        let decayStart = totalSteps - d
        if s < decayStart { return learningRate }
        let progress = Float(s - decayStart + 1) / Float(max(1, d))
        return learningRate + (minimumLearningRate - learningRate) * min(1, progress)
    }

    /// The checks every family shares; throws a `SettingsError` naming the field (`context` leads the message).
    public func validateRun(_ context: String = "training") throws {
        func fail(_ s: String) -> SettingsError { SettingsError("\(context): \(s)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw fail("learning rate \(learningRate) must be a positive number")
        }
        guard minimumLearningRate >= 0, minimumLearningRate <= learningRate else {
            throw fail("minimum learning rate \(minimumLearningRate) must be in [0, learning rate \(learningRate)]")
        }
        guard (1...100_000).contains(epochs) else { throw fail("epochs \(epochs) must be in 1…100000") }
        guard (1...1_000_000).contains(stepsPerEpoch) else {
            throw fail("steps per epoch \(stepsPerEpoch) must be in 1…1000000")
        }
        guard (1...65_536).contains(batchSize) else { throw fail("batch size \(batchSize) must be in 1…65536") }
        let total = epochs.multipliedReportingOverflow(by: stepsPerEpoch)
        guard !total.overflow, total.partialValue <= 1 << 50 else {
            throw fail("epochs × steps per epoch is too large")
        }
        if let clipNorm, !(clipNorm > 0 && clipNorm.isFinite) {
            throw fail("gradient clip norm \(clipNorm) must be positive")
        }
        if let schedule, !["cosine", "wsd"].contains(schedule) {
            throw fail("schedule '\(schedule)' is not cosine or wsd")
        }
        if schedule == "wsd" {
            let w = warmupSteps ?? 0, d = decaySteps ?? 0
            guard w >= 0, d >= 0, w <= total.partialValue, d <= total.partialValue - w else {
                throw fail("warm-up \(w) and decay \(d) steps must fit in the \(total.partialValue) steps of the run")
            }
        } else if warmupSteps != nil || decaySteps != nil {
            throw fail("warm-up and decay steps belong to --schedule wsd")
        }
    }

    /// The stored settings that `requested` changes, field by field (JSON keys, sorted), leaving out the fields a
    /// resumed run may change.
    public static func changes(from stored: Self, to requested: Self) throws -> [SettingChange] {
        let a = try fields(of: stored), b = try fields(of: requested)
        return Set(a.keys).union(b.keys).sorted().compactMap { key in
            let old = a[key] ?? "none", new = b[key] ?? "none"
            return old == new || resumableFields.contains(key)
                ? nil : SettingChange(field: key, stored: old, requested: new)
        }
    }

    /// Each top-level field as canonical JSON text.
    static func fields(of value: Self) throws -> [String: String] {
        let text = try CheckpointMetadata.encode(value)
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        var out: [String: String] = [:]
        for (key, v) in object {
            let data = try JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed])
            out[key] = String(decoding: data, as: UTF8.self)
        }
        return out
    }
}

/// A stored setting that a resumed run would change.
public struct SettingChange: Equatable, Sendable, CustomStringConvertible {
    /// The field's JSON key in the checkpoint's `training` metadata.
    public let field: String
    public let stored: String
    public let requested: String
    public var description: String { "'\(field)' is \(stored) in the checkpoint, \(requested) now" }
}

/// `--resume` asked for settings that differ from the run's stored ones. The command maps the fields to its flags.
public struct ResumeMismatch: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let changes: [SettingChange]
    public init(path: String, changes: [SettingChange]) { self.path = path; self.changes = changes }
    public var description: String {
        "\(path): a resumed run keeps its settings; "
            + changes.map(\.description).joined(separator: "; ")
            + " (start a new run with another --out to change them)"
    }
}
