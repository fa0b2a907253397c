import Base
import Dispatch

/// Data-parallel training of any `TrainableNetwork` over worker threads (OpenBLAS at one thread each).
///
/// The batch is cut into chunks of at most `microBatch` samples (near-equal sizes); each worker runs forward,
/// loss and backward on its consecutive chunks one after another, accumulating into its own gradient buffer.
/// Small chunks keep a chunk's activations in cache (measured at d = 32: see the closing note of issue 3), and
/// the gradient is that of the whole batch: chunking changes only the floating-point summation order. The worker
/// buffers are summed in worker order, so a run repeats bit for bit with the same worker count and kernel path.
///
/// After the sum: the gradients of frozen groups are zeroed, groups with their own clip norm are clipped, then
/// the global clip (`clipNorm`) applies, and Adam updates every parameter outside the frozen groups.
public final class DataParallelTrainer<Network: TrainableNetwork>: @unchecked Sendable {
    public let network: Network
    public let batch: Int
    public let workers: Int
    public let microBatch: Int
    /// Chunks of the batch, and the range of chunks each worker runs.
    let chunks: [(start: Int, count: Int)]
    let workerChunks: [Range<Int>]
    /// One workspace per worker and chunk size.
    let workspaces: [[Int: Network.Workspace]]
    /// One gradient buffer per worker, [workers, parameter count + auxiliary], owned by the trainer, and their sum.
    let workerGradients: UnsafeMutablePointer<Float>
    let summed: UnsafeMutablePointer<Float>
    let stride: Int
    /// Logits [batch, outputs] of the last step (before the update).
    public private(set) var logits: [Float]
    public var optimizer: Adam
    /// Global gradient-norm clip over all parameters (after the groups' own).
    public var clipNorm: Float?
    /// Parameter groups with their own rules; parameters in no group are trainable.
    public var groups: [ParameterGroup] = []
    /// What the last step did with its update: applied, or skipped because the loss or a gradient was not finite
    /// (the parameters and Adam's state are then those before the step).
    public private(set) var lastUpdate: UpdateOutcome = .applied

    public enum UpdateOutcome: Equatable, Sendable {
        case applied
        case skippedNonFiniteLoss
        case skippedNonFiniteGradient(parameter: Int)
    }

    public init(network: Network, batch: Int, workers: Int, optimizer: Adam, microBatch: Int = 8) {
        precondition(
            batch >= 1 && workers >= 1 && microBatch >= 1,
            "DataParallelTrainer: batch \(batch), workers \(workers), microBatch \(microBatch)")
        self.network = network
        self.batch = batch
        self.microBatch = microBatch
        let w = min(workers, batch)
        self.workers = w
        // at least one chunk per worker; chunk sizes differ by at most one
        let n = max(w, (batch + microBatch - 1) / microBatch)
        var c: [(Int, Int)] = []
        var start = 0
        for i in 0..<n {
            let size = batch / n + (i < batch % n ? 1 : 0)
            c.append((start, size)); start += size
        }
        chunks = c
        workerChunks = (0..<w).map { ($0 * n / w)..<(($0 + 1) * n / w) }
        workspaces = workerChunks.map { range in
            Dictionary(range.map { (c[$0].1, network.makeWorkspace(batch: c[$0].1)) }, uniquingKeysWith: { a, _ in a })
        }
        stride = network.parameters.count + network.auxiliaryGradientCount
        workerGradients = .allocate(capacity: w * stride)
        workerGradients.initialize(repeating: 0, count: w * stride)
        summed = .allocate(capacity: max(1, stride))
        logits = [Float](repeating: 0, count: batch * network.outputWidth)
        self.optimizer = optimizer
    }

    deinit { workerGradients.deallocate(); summed.deallocate() }

    /// The offsets Adam updates: everything outside the frozen groups, as ascending ranges.
    var trainableRanges: [Range<Int>] {
        let frozen = groups.filter { !$0.trainable }.flatMap(\.ranges).sorted { $0.lowerBound < $1.lowerBound }
        var ranges: [Range<Int>] = [], next = 0
        for r in frozen {
            if r.lowerBound > next { ranges.append(next..<r.lowerBound) }
            next = max(next, r.upperBound)
        }
        if next < network.parameters.count { ranges.append(next..<network.parameters.count) }
        return ranges
    }

    /// One step on raw inputs [batch, inputWidth] and targets [batch, targetWidth]: forward, loss, backward,
    /// gradient sum, groups, clipping, Adam. Returns the loss (before the update). A non-finite loss or gradient
    /// skips the update (see `lastUpdate`).
    @discardableResult
    public func step(input: [Float], targets: [Float], seed: UInt64, step: UInt64) -> Float {
        let network = self.network, params = network.parameters, P = params.count, S = stride
        precondition(
            input.count == batch * network.inputWidth && targets.count == batch * network.targetWidth,
            "DataParallelTrainer: \(input.count) inputs and \(targets.count) targets for a batch of \(batch)")
        let losses = UnsafeMutablePointer<Double>.allocate(capacity: workers)
        defer { losses.deallocate() }
        let gradients = UnsafeSendable(workerGradients), lossBox = UnsafeSendable(losses)
        params.values.withUnsafeBufferPointer { p in
            network.prepare(parameters: p.baseAddress!)
            input.withUnsafeBufferPointer { x in
                targets.withUnsafeBufferPointer { t in
                    logits.withUnsafeMutableBufferPointer { z in
                        let shared = UnsafeSendable(
                            (p: p.baseAddress!, x: x.baseAddress!, t: t.baseAddress!, z: z.baseAddress!))
                        DispatchQueue.concurrentPerform(iterations: workers) { w in
                            let g = gradients.value + w * S, s = shared.value
                            g.initialize(repeating: 0, count: S)
                            var loss = 0.0
                            for chunk in self.workerChunks[w] {
                                let (start, count) = self.chunks[chunk]
                                let slice = TrainingSlice(
                                    input: s.x + start * network.inputWidth, targets: s.t + start * network.targetWidth,
                                    logits: s.z + start * network.outputWidth, count: count, batchOffset: start,
                                    batchSize: self.batch, seed: seed, step: step)
                                loss += network.trainSlice(
                                    slice, workspace: self.workspaces[w][count]!, parameters: s.p,
                                    gradients: g)
                            }
                            lossBox.value[w] = loss
                        }
                    }
                }
            }
        }
        let loss = Float((0..<workers).reduce(0.0) { $0 + losses[$1] })
        // sum worker gradients in worker order
        summed.initialize(repeating: 0, count: S)
        for w in 0..<workers { let src = workerGradients + w * S; for i in 0..<S { summed[i] += src[i] } }
        params.values.withUnsafeBufferPointer { p in
            network.finishGradients(parameters: p.baseAddress!, gradients: summed)
        }
        params.gradients.withUnsafeMutableBufferPointer { g in g.baseAddress!.update(from: summed, count: P) }
        guard loss.isFinite else { lastUpdate = .skippedNonFiniteLoss; return loss }
        if let bad = params.gradients.firstIndex(where: { !$0.isFinite }) {
            lastUpdate = .skippedNonFiniteGradient(parameter: bad)
            return loss
        }
        lastUpdate = .applied
        for group in groups where !group.trainable {
            for r in group.ranges { for i in r { params.gradients[i] = 0 } }
        }
        for group in groups where group.trainable {
            if let c = group.clipNorm { GradientClipping.clipNorm(&params.gradients, ranges: group.ranges, maxNorm: c) }
        }
        if let clipNorm { GradientClipping.clipNorm(&params.gradients, maxNorm: clipNorm) }
        optimizer.step(parameters: &params.values, gradients: params.gradients, ranges: trainableRanges)
        return loss
    }
}
