/// Training stopped because it diverged: the loss or a gradient is not finite. The step that produced it was not
/// taken, and no checkpoint was written after it, so the last checkpoint on disk is the last good state.
public struct TrainingError: Error, CustomStringConvertible, Equatable {
    /// The 1-based global step that diverged.
    public let step: Int
    public let message: String
    public init(step: Int, _ message: String) { self.step = step; self.message = message }
    public var description: String {
        "training diverged at step \(step): \(message); the step was not taken and the last checkpoint is kept. "
            + "Lower --lr or set --clip."
    }
}
