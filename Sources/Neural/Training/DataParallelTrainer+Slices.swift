import Base
import Dispatch
import Foundation

extension DataParallelTrainer {
    /// Floats per block of a step's gradient in the ranks' exchange: each rank combines whole blocks, and AdaCons's
    /// dot products are summed per block and then over the blocks in order, on one rank as on many.
    public static var exchangeBlock: Int { 4096 }

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
                                    let g = gradients.value + (slice - own.lowerBound) * S
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

    /// `body`, its seconds added to the step's exchange time.
    func exchanging<T>(_ body: () -> T) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { lastExchangeSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
        return body()
    }

    /// Every rank's loss shares and logits on every rank (nothing to do for one rank).
    func gatherLossesAndLogits(_ losses: [Double]) -> [Double] {
        guard group.size > 1 else { return losses }
        let rows = rankSlices.map { r -> Range<Int> in
            guard let first = r.first, let last = r.last else { return 0..<0 }
            let end = chunks[sliceChunks[last].upperBound - 1]
            return chunks[sliceChunks[first].lowerBound].start..<(end.start + end.count)
        }
        let width = network.outputWidth
        return exchanging {
            logits.withUnsafeMutableBufferPointer { z in
                group.allGather(
                    z.baseAddress!, counts: rows.map { $0.count * width }, offsets: rows.map { $0.lowerBound * width })
            }
            return group.allGather(ownSlices.map { losses[$0] })
        }
    }

    /// The step's gradient into `summed`, in slice order: the slices' sum (`mean`: the loss is already the batch mean),
    /// or AdaCons's weighted sum of the normalised slice gradients. Several ranks: an all-to-all gives each rank every
    /// slice's values on its own blocks, it combines them there, and the combined blocks are gathered — each float is
    /// the same fold over the slices as on one rank, and no rank holds more than its own slices and one chunk of all.
    func combineSlices() {
        let S = stride
        guard group.size > 1, let send = sendBuffer, let receive = receiveBuffer else {
            combine(floats: 0..<S, slice: { UnsafePointer(self.sliceGradients + $0 * S) }, into: summed)
            return
        }
        let own = ownSlices, chunks = exchangeChunks, mine = chunks[group.rank]
        // pack: for each destination q, this rank's slices' floats of q's chunk, slice after slice
        var sendOffsets = [Int](), offset = 0
        for q in chunks {
            sendOffsets.append(offset)
            for local in 0..<own.count {
                (send + offset).update(from: sliceGradients + local * S + q.lowerBound, count: q.count)
                offset += q.count
            }
        }
        // receive: slice s of every rank (ranks hold contiguous slices in rank order) at s · |mine|
        exchanging {
            group.allToAll(
                send, sendCounts: chunks.map { $0.count * own.count }, sendOffsets: sendOffsets, into: receive,
                receiveCounts: rankSlices.map { $0.count * mine.count },
                receiveOffsets: rankSlices.map { $0.lowerBound * mine.count })
        }
        combine(floats: mine, slice: { UnsafePointer(receive + $0 * mine.count) }, into: summed + mine.lowerBound)
        exchanging {
            group.allGather(summed, counts: chunks.map(\.count), offsets: chunks.map(\.lowerBound))
        }
    }

    /// The combination of the slices' values on `floats` (a run of whole blocks; `slice(s)` points at slice s's values
    /// there) into `out`. AdaCons needs ⟨Σg, g_s⟩ and ‖g_s‖² over all floats: each rank sums them per block of its run,
    /// and every rank adds all blocks' partial sums in block order.
    func combine(floats: Range<Int>, slice: (Int) -> UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let n = floats.count, S = slices
        out.initialize(repeating: 0, count: n)
        for s in 0..<S {
            let g = slice(s)
            for i in 0..<n { out[i] += g[i] }
        }
        guard case .adacons(let momentum) = aggregation else { return }
        let B = Self.exchangeBlock
        var partials = AdaCons.blockPartials(sum: out, count: n, slices: (0..<S).map(slice), block: B)
        if group.size > 1 { partials = exchanging { group.allGather(partials) } }
        let c = AdaCons.factors(blockPartials: partials, slices: S, momentum: momentum, state: &adaconsState)
        out.initialize(repeating: 0, count: n)
        for s in 0..<S {
            let g = slice(s), cs = Float(c[s])
            for i in 0..<n { out[i] += cs * g[i] }
        }
    }
}
