/// Training settings whose learning rate follows PyTorch's CosineAnnealingLR with T_max = `epochs`, stepped once per
/// epoch, from `learningRate` to `minimumLearningRate` (the ECCT, neural quantum decoder and learned-code recipes).
public protocol EpochCosineSchedule {
    var learningRate: Float { get }
    var minimumLearningRate: Float { get }
    var epochs: Int { get }
}

extension EpochCosineSchedule {
    /// The learning rate during epoch e (0-based).
    public func learningRate(epoch e: Int) -> Float {
        CosineAnnealingLR(baseLearningRate: learningRate, period: epochs, minimumLearningRate: minimumLearningRate)
            .learningRate(afterSteps: e)
    }
}
