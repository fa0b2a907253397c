import Base
import Dispatch
import Foundation

extension DataParallelTrainer {
    /// Forward, loss and backward of this rank's slices on its workers (worker w takes its slices w, w + workers, …),
    /// each slice into its own gradient buffer; returns every slice's loss share (zero for other ranks' slices).
    func computeOwnSlices(input: [Float], targets: [Float], seed: UInt64, step: UInt64) -> [Double] {
        let network = self.network, params = network.parameters, S = stride
        var losses = [Double](repeating: 0, count: slices)
        let gradients = UnsafeSendable(sliceGradients)
        params.values.withUnsafeBufferPointer { p in
            network.prepare(parameters: p.baseAddress!)
            input.withUnsafeBufferPointer { x in
                targets.withUnsafeBufferPointer { t in
                    logits.withUnsafeMutableBufferPointer { z in
                        losses.withUnsafeMutableBufferPointer { l in
                            let shared = UnsafeSendable(
                                (p: p.baseAddress!, x: x.baseAddress!, t: t.baseAddress!, z: z.baseAddress!, l: l))
                            let own = ownSlices, workers = self.workers
                            DispatchQueue.concurrentPerform(iterations: workers) { w in
                                let v = shared.value
                                for slice in Swift.stride(from: own.lowerBound + w, to: own.upperBound, by: workers) {
                                    let g = gradients.value + slice * S
                                    g.initialize(repeating: 0, count: S)
                                    var loss = 0.0
                                    for chunk in self.sliceChunks[slice] {
                                        let (start, count) = self.chunks[chunk]
                                        let part = TrainingSlice(
                                            input: v.x + start * network.inputWidth,
                                            targets: v.t + start * network.targetWidth,
                                            logits: v.z + start * network.outputWidth, count: count,
                                            batchOffset: start, batchSize: self.batch, seed: seed, step: step)
                                        loss += network.trainSlice(
                                            part, workspace: self.workspaces[w][count]!, parameters: v.p, gradients: g)
                                    }
                                    v.l[slice] = loss
                                }
                            }
                        }
                    }
                }
            }
        }
        return losses
    }

    /// Every rank's slices on every rank: gradients, logits and loss shares (nothing to do for one rank).
    func gatherSlices(losses: [Double]) -> [Double] {
        let K = group.size
        guard K > 1 else { return losses }
        let S = stride
        group.allGather(
            sliceGradients, counts: rankSlices.map { $0.count * S }, offsets: rankSlices.map { $0.lowerBound * S })
        let rows = rankSlices.map { r -> Range<Int> in
            guard let first = r.first, let last = r.last else { return 0..<0 }
            let a = chunks[sliceChunks[first].lowerBound].start
            let b = chunks[sliceChunks[last].upperBound - 1].start + chunks[sliceChunks[last].upperBound - 1].count
            return a..<b
        }
        let width = network.outputWidth
        logits.withUnsafeMutableBufferPointer { z in
            group.allGather(
                z.baseAddress!, counts: rows.map { $0.count * width }, offsets: rows.map { $0.lowerBound * width })
        }
        let own = ownSlices.map { losses[$0].bitPattern }
        let parts = group.allGather(own.withUnsafeBytes { [UInt8]($0) })
        var all = [Double]()
        for part in parts {
            part.withUnsafeBytes { raw in
                for i in 0..<(raw.count / 8) {
                    all.append(Double(bitPattern: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
                }
            }
        }
        return all
    }

    /// The step's gradient from the slices' (`summed`), in slice order: their sum (`mean`: the loss is already the
    /// batch mean), or AdaCons's weighted sum of the normalised slice gradients.
    func combineSlices() {
        let S = stride
        summed.initialize(repeating: 0, count: S)
        for s in 0..<slices {
            let src = sliceGradients + s * S
            for i in 0..<S { summed[i] += src[i] }
        }
        guard case .adacons(let momentum) = aggregation else { return }
        let gradients = (0..<slices).map { UnsafeBufferPointer(start: sliceGradients + $0 * S, count: S) }
        let step = AdaCons.weights(
            slices: gradients, sum: UnsafeBufferPointer(start: summed, count: S), momentum: momentum,
            state: &adaconsState)
        summed.initialize(repeating: 0, count: S)
        for s in 0..<slices {
            let src = sliceGradients + s * S, c = Float(step[s])
            for i in 0..<S { summed[i] += c * src[i] }
        }
    }
}
