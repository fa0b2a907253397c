import Base
import Dispatch

/// Data-parallel training of any `TrainableNetwork` over worker threads and ranks (OpenBLAS at one thread each).
///
/// The batch is cut into `slices` slices (docs/DESIGN.md §10) and each slice into chunks of at most `microBatch` samples
/// (near-equal sizes; at least one chunk per slice). A slice's gradient is computed whole on one worker (its chunks one
/// after another, accumulated into the slice's own buffer); the ranks of `group` take contiguous shares of the slices
/// and this process's `threads` workers share its slices. The slices' gradients are then combined (`aggregation`)
/// through a fixed tree over the slices (`SliceTree`), so the step — and every later one — is bit for bit the same for
/// any thread and rank count at the same slice count and kernel path. Small chunks keep a chunk's activations in cache
/// (measured at d = 32: see the closing note of issue 3); the summed gradient is that of the whole batch, chunks and
/// slices changing only the floating-point summation order.
///
/// After the combination: the gradients of frozen groups are zeroed, groups with their own clip norm are clipped, then
/// the global clip (`clipNorm`) applies, and Adam updates every parameter outside the frozen groups. Every rank takes
/// the same step, so the ranks' parameters stay equal without being sent.
public final class DataParallelTrainer<Network: TrainableNetwork>: @unchecked Sendable {
    public let network: Network
    public let batch: Int
    /// Slices of the batch, and this process's worker threads (at most its slices).
    public let slices: Int
    public let workers: Int
    public let microBatch: Int
    public let group: any ProcessGroup
    /// How the slices' gradients become the step's gradient.
    public let aggregation: GradientAggregation
    /// Chunks of the batch, the range of chunks of each slice, the slices of this rank and of each rank.
    let chunks: [(start: Int, count: Int)]
    let sliceChunks: [Range<Int>]
    let ownSlices: Range<Int>
    let rankSlices: [Range<Int>]
    /// One workspace per worker and chunk size.
    let workspaces: [[Int: Network.Workspace]]
    /// One gradient buffer per slice of this rank, [own slices, parameter count + auxiliary], owned by the trainer, and
    /// the step's combined gradient.
    let sliceGradients: UnsafeMutablePointer<Float>
    let summed: UnsafeMutablePointer<Float>
    let stride: Int
    /// Several ranks: the gradient floats each rank combines (whole blocks of `exchangeBlock`).
    let exchangeChunks: [Range<Int>]
    /// Logits [batch, outputs] of the last step (before the update), every slice's.
    public internal(set) var logits: [Float]
    public var optimizer: Adam
    /// Global gradient-norm clip over all parameters (after the groups' own).
    public var clipNorm: Float?
    /// Parameter groups with their own rules; parameters in no group are trainable.
    public var groups: [ParameterGroup] = []
    /// AdaCons's running (momentum) weights of the sorted slices, nil before its first step; a resumed run restores it.
    public var adaconsState: [Double]?
    /// Seconds the last step spent in the ranks' exchange (0 for one rank): its share of a step.
    public internal(set) var lastExchangeSeconds = 0.0
    /// What the last step did with its update: applied, or skipped because the loss or a gradient was not finite
    /// (the parameters and Adam's state are then those before the step).
    public private(set) var lastUpdate: UpdateOutcome = .applied

    public enum UpdateOutcome: Equatable, Sendable {
        case applied
        case skippedNonFiniteLoss
        case skippedNonFiniteGradient(parameter: Int)
    }

    /// Slices equal to the workers: each worker's consecutive chunks are one slice (the trainer of one process).
    public convenience init(network: Network, batch: Int, workers: Int, optimizer: Adam, microBatch: Int = 8) {
        self.init(
            network: network, batch: batch, slices: min(workers, batch), threads: workers, optimizer: optimizer,
            microBatch: microBatch)
    }

    /// `slices` (1 … batch) gradients a step, computed by `threads` workers of each rank of `group`.
    public init(
        network: Network, batch: Int, slices: Int, threads: Int, group: any ProcessGroup = Ranks.world,
        optimizer: Adam, microBatch: Int = 8, aggregation: GradientAggregation = .mean
    ) {
        precondition(
            batch >= 1 && (1...batch).contains(slices) && threads >= 1 && microBatch >= 1,
            "DataParallelTrainer: batch \(batch), slices \(slices), threads \(threads), microBatch \(microBatch)")
        // at least one chunk per slice; chunk sizes differ by at most one
        let n = max(slices, (batch + microBatch - 1) / microBatch)
        (self.network, self.batch, self.slices, self.microBatch) = (network, batch, slices, microBatch)
        (self.group, self.aggregation) = (group, aggregation)
        var c: [(Int, Int)] = []
        var start = 0
        for i in 0..<n {
            let size = batch / n + (i < batch % n ? 1 : 0)
            c.append((start, size)); start += size
        }
        chunks = c
        sliceChunks = (0..<slices).map { ($0 * n / slices)..<(($0 + 1) * n / slices) }
        rankSlices = (0..<group.size).map { type(of: group).share(of: slices, rank: $0, size: group.size) }
        ownSlices = rankSlices[group.rank]
        let w = max(1, min(threads, ownSlices.count))
        workers = w
        let sliceChunks = self.sliceChunks, own = ownSlices
        workspaces = (0..<w).map { worker in
            let sizes = Swift.stride(from: own.lowerBound + worker, to: own.upperBound, by: w).flatMap {
                sliceChunks[$0].map { c[$0].1 }
            }
            return Dictionary(sizes.map { ($0, network.makeWorkspace(batch: $0)) }, uniquingKeysWith: { a, _ in a })
        }
        stride = network.parameters.count + network.auxiliaryGradientCount
        sliceGradients = .allocate(capacity: max(1, own.count * stride))
        sliceGradients.initialize(repeating: 0, count: max(1, own.count * stride))
        summed = .allocate(capacity: max(1, stride))
        let blocks = (stride + Self.exchangeBlock - 1) / Self.exchangeBlock, S = stride
        exchangeChunks = (0..<group.size).map {
            let b = type(of: group).share(of: blocks, rank: $0, size: group.size)
            return min(S, b.lowerBound * Self.exchangeBlock)..<min(S, b.upperBound * Self.exchangeBlock)
        }
        logits = [Float](repeating: 0, count: batch * network.outputWidth)
        self.optimizer = optimizer
    }

    deinit {
        sliceGradients.deallocate()
        summed.deallocate()
    }

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
        let network = self.network, params = network.parameters, P = params.count
        precondition(
            input.count == batch * network.inputWidth && targets.count == batch * network.targetWidth,
            "DataParallelTrainer: \(input.count) inputs and \(targets.count) targets for a batch of \(batch)")
        let sliceLosses = computeOwnSlices(input: input, targets: targets, seed: seed, step: step)
        lastExchangeSeconds = 0
        let losses = gatherLossesAndLogits(sliceLosses)
        let loss = Float(losses.reduce(0.0, +))
        let adaconsBefore = adaconsState
        combineSlices()
        params.values.withUnsafeBufferPointer { p in
            network.finishGradients(parameters: p.baseAddress!, gradients: summed)
        }
        params.gradients.withUnsafeMutableBufferPointer { g in g.baseAddress!.update(from: summed, count: P) }
        guard loss.isFinite else {
            lastUpdate = .skippedNonFiniteLoss
            adaconsState = adaconsBefore
            return loss
        }
        if let bad = params.gradients.firstIndex(where: { !$0.isFinite }) {
            lastUpdate = .skippedNonFiniteGradient(parameter: bad)
            adaconsState = adaconsBefore
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
