import Dispatch

/// A transformer over L scalar tokens with a two-stage head (the ECCT architecture, Choukroun & Wolf 2022):
///
///   tokens[b, l, :] = input[b, l] · E[l, :]            E = `src_embed` [L, d]
///   h = Encoder(tokens)                                 [B, L, d]
///   t[b, l] = h[b, l, :]·w + c                          `oned_final_embed.0` Linear(d → 1)
///   logits[b, :] = t[b, :]·Wᵀ + β                       `out_fc` Linear(L → outputs)
///
/// Every matrix is Xavier-uniform, biases U(±1/√fan_in), LayerNorm γ = 1, β = 0.
/// `trainStep` splits the batch over worker threads (OpenBLAS at one thread each); each worker owns its
/// activations and gradient buffer, and the buffers are summed in worker order. Results therefore depend on
/// the thread count only through that floating-point summation order; dropout decisions do not depend on it.
public final class ScalarTokenTransformer: @unchecked Sendable {
    public let encoder: TransformerEncoder
    public let parameters: ParameterSet
    public let outputs: Int
    public var length: Int { encoder.config.length }
    public var width: Int { encoder.config.width }
    let embed: Int, headW: Int, headB: Int, outW: Int, outB: Int

    public init<G: RandomNumberGenerator>(config: EncoderConfig, outputs: Int, using rng: inout G) {
        let p = ParameterSet()
        let L = config.length, d = config.width
        embed = p.add("src_embed", shape: [L, d], initial: Initializer.xavierUniform(fanIn: d, fanOut: L, count: L * d, using: &rng))
        encoder = TransformerEncoder(config: config, parameters: p, prefix: "decoder", using: &rng)
        headW = p.add("oned_final_embed.0.weight", shape: [1, d], initial: Initializer.xavierUniform(fanIn: d, fanOut: 1, count: d, using: &rng))
        headB = p.add("oned_final_embed.0.bias", shape: [1], initial: Initializer.bias(fanIn: d, count: 1, using: &rng))
        outW = p.add("out_fc.weight", shape: [outputs, L], initial: Initializer.xavierUniform(fanIn: L, fanOut: outputs, count: outputs * L, using: &rng))
        outB = p.add("out_fc.bias", shape: [outputs], initial: Initializer.bias(fanIn: L, count: outputs, using: &rng))
        self.parameters = p
        self.outputs = outputs
    }

    /// Activations of one batch slice.
    public final class Workspace: @unchecked Sendable {
        public let batch: Int
        let encoder: EncoderWorkspace
        let tokens, hidden, t, dHidden, dTokens, dT: UnsafeMutablePointer<Float>
        init(model m: ScalarTokenTransformer, batch: Int) {
            self.batch = batch
            encoder = m.encoder.makeWorkspace(batch: batch)
            let R = batch * m.length
            func buf(_ n: Int) -> UnsafeMutablePointer<Float> {
                let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, n)); p.initialize(repeating: 0, count: max(1, n)); return p
            }
            tokens = buf(R * m.width); hidden = buf(R * m.width); t = buf(R); dHidden = buf(R * m.width); dTokens = buf(R * m.width); dT = buf(R)
        }
        deinit { [tokens, hidden, t, dHidden, dTokens, dT].forEach { $0.deallocate() } }
    }

    public func makeWorkspace(batch: Int) -> Workspace { Workspace(model: self, batch: batch) }

    /// logits [B, outputs] from input [B, L]; `batchOffset`, `seed`, `step`, `forBackward` as in `TransformerEncoder.forward`.
    public func forward(input: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>, workspace ws: Workspace,
                        parameters p: UnsafePointer<Float>, training: Bool, seed: UInt64 = 0, step: UInt64 = 0, batchOffset: Int = 0,
                        forBackward: Bool = true) {
        let B = ws.batch, L = length, d = width
        for b in 0..<B {
            for l in 0..<L {
                let s = input[b * L + l], e = p + embed + l * d, tok = ws.tokens + (b * L + l) * d
                for c in 0..<d { tok[c] = s * e[c] }
            }
        }
        encoder.forward(x: ws.tokens, out: ws.hidden, workspace: ws.encoder, parameters: p, training: training,
                        seed: seed, step: step, batchOffset: batchOffset, forBackward: forBackward)
        LinearKernel.forward(x: ws.hidden, weight: p + headW, bias: p + headB, y: ws.t, rows: B * L, inFeatures: d, outFeatures: 1)
        LinearKernel.forward(x: ws.t, weight: p + outW, bias: p + outB, y: logits, rows: B, inFeatures: L, outFeatures: outputs)
    }

    /// Accumulates parameter gradients into g from dLogits [B, outputs] (after `forward` on the same workspace).
    public func backward(input: UnsafePointer<Float>, dLogits: UnsafePointer<Float>, workspace ws: Workspace,
                         parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>) {
        let B = ws.batch, L = length, d = width, R = B * L
        LinearKernel.backward(dy: dLogits, x: ws.t, weight: p + outW, dx: ws.dT, dWeight: g + outW, dBias: g + outB,
                              rows: B, inFeatures: L, outFeatures: outputs, accumulateDx: false)
        LinearKernel.backward(dy: ws.dT, x: ws.hidden, weight: p + headW, dx: ws.dHidden, dWeight: g + headW, dBias: g + headB,
                              rows: R, inFeatures: d, outFeatures: 1, accumulateDx: false)
        ws.dTokens.initialize(repeating: 0, count: R * d)
        encoder.backward(dOut: ws.dHidden, dx: ws.dTokens, workspace: ws.encoder, parameters: p, gradients: g)
        for b in 0..<B {
            for l in 0..<L {
                let s = input[b * L + l], de = g + embed + l * d, dt = ws.dTokens + (b * L + l) * d
                for c in 0..<d { de[c] += s * dt[c] }
            }
        }
    }
}

/// Data-parallel BCE-with-logits training over worker threads for a `ScalarTokenTransformer`.
///
/// The batch is cut into chunks of at most `microBatch` samples (near-equal sizes); each worker runs forward and
/// backward on its consecutive chunks one after another, accumulating into its own gradient buffer. Small
/// chunks keep a chunk's activations in cache (measured at d = 32: see the closing note of issue 3), and the
/// gradient is that of the whole batch: the chunking changes only the floating-point summation order.
public final class ParallelTrainer: @unchecked Sendable {
    public let model: ScalarTokenTransformer
    public let batch: Int
    public let workers: Int
    public let microBatch: Int
    /// Chunks of the batch, and the range of chunks each worker runs.
    let chunks: [(start: Int, count: Int)]
    let workerChunks: [Range<Int>]
    /// One workspace per worker and chunk size.
    let workspaces: [[Int: ScalarTokenTransformer.Workspace]]
    /// One gradient buffer per worker, [workers, parameter count], owned by the trainer.
    let workerGradients: UnsafeMutablePointer<Float>
    /// Logits [batch, outputs] of the last step (before the update).
    public private(set) var logits: [Float]
    public var optimizer: Adam
    public var clipNorm: Float?

    public init(model: ScalarTokenTransformer, batch: Int, workers: Int, optimizer: Adam, microBatch: Int = 8) {
        precondition(batch >= 1 && workers >= 1 && microBatch >= 1,
                     "ParallelTrainer: batch \(batch), workers \(workers), microBatch \(microBatch)")
        self.model = model
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
            Dictionary(range.map { (c[$0].1, model.makeWorkspace(batch: c[$0].1)) }, uniquingKeysWith: { a, _ in a })
        }
        workerGradients = .allocate(capacity: w * model.parameters.count)
        workerGradients.initialize(repeating: 0, count: w * model.parameters.count)
        logits = [Float](repeating: 0, count: batch * model.outputs)
        self.optimizer = optimizer
        GEMM.useSingleThreadedBLAS()
    }

    deinit { workerGradients.deallocate() }

    /// One step on input [batch, L] and targets [batch, outputs] (BCE with logits, mean over all entries):
    /// forward, backward, gradient sum, optional clipping, Adam. Returns the loss (before the update).
    @discardableResult
    public func step(input: [Float], targets: [Float], seed: UInt64, step: UInt64) -> Float {
        let model = self.model, outputs = model.outputs, L = model.length, total = batch * outputs
        let params = model.parameters
        let losses = UnsafeMutablePointer<Double>.allocate(capacity: workers)
        defer { losses.deallocate() }
        let shared0 = SharedGradients(base: workerGradients, losses: losses, count: params.count)
        params.values.withUnsafeBufferPointer { p in
            input.withUnsafeBufferPointer { x in
                targets.withUnsafeBufferPointer { t in
                    logits.withUnsafeMutableBufferPointer { z in
                        let shared = Shared(p: p.baseAddress!, x: x.baseAddress!, t: t.baseAddress!, z: z.baseAddress!)
                        DispatchQueue.concurrentPerform(iterations: workers) { w in
                            let g = shared0.base + w * shared0.count
                            g.initialize(repeating: 0, count: params.count)
                            shared0.losses[w] = 0
                            // dLogits of one chunk, reused by the worker's chunks
                            let largest = self.workerChunks[w].map { self.chunks[$0].count }.max() ?? 0
                            let dz = UnsafeMutablePointer<Float>.allocate(capacity: max(1, largest * outputs))
                            defer { dz.deallocate() }
                            for chunk in self.workerChunks[w] {
                                let (start, count) = self.chunks[chunk]
                                let ws = self.workspaces[w][count]!
                                let xs = shared.x + start * L, ts = shared.t + start * outputs, zs = shared.z + start * outputs
                                model.forward(input: xs, logits: zs, workspace: ws, parameters: shared.p, training: true,
                                              seed: seed, step: step, batchOffset: start)
                                // loss and dLogits for the chunk, normalised by the whole batch
                                dz.initialize(repeating: 0, count: count * outputs)
                                let chunkLoss = BCEWithLogits.forward(logits: zs, targets: ts, count: count * outputs)
                                shared0.losses[w] += Double(chunkLoss) * Double(count * outputs) / Double(total)
                                BCEWithLogits.backward(logits: zs, targets: ts, dz: dz, count: count * outputs,
                                                       scale: Float(count * outputs) / Float(total))
                                model.backward(input: xs, dLogits: dz, workspace: ws, parameters: shared.p, gradients: g)
                            }
                        }
                    }
                }
            }
        }
        // sum worker gradients in worker order
        params.zeroGradients()
        let n = params.count
        params.gradients.withUnsafeMutableBufferPointer { g in
            for w in 0..<workers { let src = workerGradients + w * n; for i in 0..<n { g[i] += src[i] } }
        }
        if let clipNorm { GradientClipping.clipNorm(&params.gradients, maxNorm: clipNorm) }
        optimizer.step(parameters: &params.values, gradients: params.gradients)
        return Float((0..<workers).reduce(0.0) { $0 + losses[$1] })
    }

    struct Shared: @unchecked Sendable { let p: UnsafePointer<Float>; let x: UnsafePointer<Float>; let t: UnsafePointer<Float>; let z: UnsafeMutablePointer<Float> }
    struct SharedGradients: @unchecked Sendable {
        let base: UnsafeMutablePointer<Float>
        let losses: UnsafeMutablePointer<Double>
        let count: Int
    }
}
