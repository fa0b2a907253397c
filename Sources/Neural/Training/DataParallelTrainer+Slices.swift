import Base
import Dispatch
import Foundation

extension DataParallelTrainer {
    /// Floats per block of a step's gradient in the ranks' exchange: each rank combines whole blocks, and AdaCons's
    /// dot products are summed per block and then over the blocks in order, on one rank as on many (`AdaCons.block`).
    public static var exchangeBlock: Int { AdaCons.block }

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

    /// The step's gradient into `summed`: the slices' sum (`mean`: the loss is already the batch mean), or AdaCons's
    /// weighted sum of the normalised slice gradients, each through the fixed tree over the slices (`SliceTree`).
    func combineSlices() {
        reduce(weights: nil)
        guard case .adacons(let momentum) = aggregation else { return }
        // ⟨Σg, g_s⟩ and ‖g_s‖² per block of each of this rank's slices, gathered in slice order
        let S = stride, own = ownSlices
        var partials = AdaCons.blockPartials(
            sum: summed, count: S, slices: own.map { UnsafePointer(sliceGradients + ($0 - own.lowerBound) * S) },
            block: Self.exchangeBlock)
        if group.size > 1 { partials = exchanging { group.allGather(partials) } }
        let c = AdaCons.factors(blockPartials: partials, slices: slices, momentum: momentum, state: &adaconsState)
        reduce(weights: c.map { Float($0) })
    }

    /// `summed` = the tree sum over the slices of g_s (or w_s · g_s). Each rank sums its maximal subtrees whole; an
    /// all-to-all gives rank q every rank's subtree sums on q's chunk of the floats, q evaluates the tree's top there,
    /// and an all-gather of the chunks gives every rank the result — each float the same sum as on one rank. A rank
    /// sends about its subtrees' count × one gradient (one subtree when ranks divide a power-of-two slice count).
    func reduce(weights: [Float]?) {
        let S = stride, own = ownSlices
        let tree = SliceTree(slices: slices)
        let leaf: (Int) -> UnsafePointer<Float> = { UnsafePointer(self.sliceGradients + ($0 - own.lowerBound) * S) }
        guard group.size > 1 else {
            tree.sum(count: S, leaf: leaf, weights: weights, into: summed)
            return
        }
        let K = group.size, chunks = exchangeChunks, mine = chunks[group.rank]
        let nodes = rankSlices.map { tree.maximalSubtrees(within: $0) }
        let mineNodes = nodes[group.rank]
        // this rank's subtree sums over all floats, then cut by destination chunk
        let values = UnsafeMutablePointer<Float>.allocate(capacity: max(1, mineNodes.count * S))
        let send = UnsafeMutablePointer<Float>.allocate(capacity: max(1, mineNodes.count * S))
        let receive = UnsafeMutablePointer<Float>.allocate(capacity: max(1, nodes.joined().count * mine.count))
        defer {
            values.deallocate()
            send.deallocate()
            receive.deallocate()
        }
        for (j, node) in mineNodes.enumerated() {
            tree.sum(node, count: S, leaf: leaf, weights: weights, into: values + j * S)
        }
        var sendOffsets = [Int](), offset = 0
        for q in chunks {
            sendOffsets.append(offset)
            for j in mineNodes.indices {
                (send + offset).update(from: values + j * S + q.lowerBound, count: q.count)
                offset += q.count
            }
        }
        let before = (0..<K).map { nodes[..<$0].joined().count }
        exchanging {
            group.allToAll(
                send, sendCounts: chunks.map { $0.count * mineNodes.count }, sendOffsets: sendOffsets, into: receive,
                receiveCounts: nodes.map { $0.count * mine.count }, receiveOffsets: before.map { $0 * mine.count })
        }
        // the top of the tree on this rank's floats, from every rank's subtree sums
        var known: [SliceTree.Node: UnsafePointer<Float>] = [:]
        for (j, node) in nodes.joined().enumerated() { known[node] = UnsafePointer(receive + j * mine.count) }
        tree.sum(
            SliceTree.Node(lo: 0, hi: slices), count: mine.count,
            leaf: { _ in fatalError("every leaf is in a subtree") },
            weights: weights, known: known, into: summed + mine.lowerBound)
        exchanging {
            group.allGather(summed, counts: chunks.map(\.count), offsets: chunks.map(\.lowerBound))
        }
    }
}

/// The fixed summation tree over S slices (docs/DESIGN.md §10): node [lo, hi) is the sum of its left child, which
/// holds the largest power of two of slices below hi − lo, and its right child; a leaf is one slice. Its shape depends
/// on S alone, so every float of a step's gradient is the same sum for any thread and rank count, and ranks that hold
/// contiguous slices can sum their whole subtrees before anything is sent.
public struct SliceTree: Sendable {
    /// Slices [lo, hi).
    public struct Node: Hashable, Sendable {
        public var lo: Int, hi: Int
        public init(lo: Int, hi: Int) { self.lo = lo; self.hi = hi }
    }
    public let slices: Int

    public init(slices: Int) { self.slices = slices }

    /// The split point of [lo, hi) (hi − lo ≥ 2).
    public static func split(_ lo: Int, _ hi: Int) -> Int {
        var p = 1
        while p * 2 < hi - lo { p *= 2 }
        return lo + p
    }

    /// The largest nodes inside `range`, left to right (they partition it).
    public func maximalSubtrees(within range: Range<Int>) -> [Node] {
        var out: [Node] = []
        func visit(_ lo: Int, _ hi: Int) {
            if range.lowerBound <= lo && hi <= range.upperBound {
                out.append(Node(lo: lo, hi: hi))
            } else if lo < range.upperBound && range.lowerBound < hi && hi - lo > 1 {
                let mid = Self.split(lo, hi)
                visit(lo, mid)
                visit(mid, hi)
            }
        }
        if !range.isEmpty { visit(0, slices) }
        return out
    }

    /// The whole tree's sum of `count` floats of each leaf (`leaf(s)`, times `weights[s]` when given) into `out`.
    public func sum(
        count: Int, leaf: (Int) -> UnsafePointer<Float>, weights: [Float]?, into out: UnsafeMutablePointer<Float>
    ) {
        sum(Node(lo: 0, hi: slices), count: count, leaf: leaf, weights: weights, into: out)
    }

    /// Node `node`'s sum into `out`; a node in `known` is taken as it is (a sum made elsewhere).
    public func sum(
        _ node: Node, count: Int, leaf: (Int) -> UnsafePointer<Float>, weights: [Float]?,
        known: [Node: UnsafePointer<Float>] = [:], into out: UnsafeMutablePointer<Float>
    ) {
        var depth = 1
        while 1 << (depth - 1) < node.hi - node.lo { depth += 1 }
        // one buffer per level for the right children
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, depth * count))
        defer { scratch.deallocate() }
        sum(node, count: count, leaf: leaf, weights: weights, known: known, into: out, scratch: scratch)
    }

    func sum(
        _ node: Node, count: Int, leaf: (Int) -> UnsafePointer<Float>, weights: [Float]?,
        known: [Node: UnsafePointer<Float>], into out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        if let value = known[node] {
            out.update(from: value, count: count)
        } else if node.hi - node.lo == 1 {
            let g = leaf(node.lo)
            if let w = weights?[node.lo] {
                for i in 0..<count { out[i] = w * g[i] }
            } else {
                out.update(from: g, count: count)
            }
        } else {
            let mid = Self.split(node.lo, node.hi)
            let left = Node(lo: node.lo, hi: mid), right = Node(lo: mid, hi: node.hi)
            sum(left, count: count, leaf: leaf, weights: weights, known: known, into: out, scratch: scratch)
            sum(
                right, count: count, leaf: leaf, weights: weights, known: known, into: scratch, scratch: scratch + count
            )
            for i in 0..<count { out[i] += scratch[i] }
        }
    }
}
