import Codes
import Dispatch
import Foundation
import Neural

/// The ECCT as a `Decoder`: channel output y → tokens → logits f → x̂ = sign(f)·sign(y), bit 1 where x̂ = −1.
///
/// The model reads |y|, not LLRs: `decode(llr:count:llrScale:into:)` recovers y = LLR / llrScale (the Monte
/// Carlo engine passes 2/σ² for AWGN); plain `decode(llr:count:into:)` takes its input as y itself.
/// Frames are processed in chunks of `chunk` words (evaluation mode, attention only on the Tanner-graph pairs).
/// Workspaces are pooled, so concurrent calls from the Monte Carlo threads share nothing but the weights.
public struct ECCTDecoder: Decoder {
    public let name: String
    public let model: ECCTModel
    public let chunk: Int
    let pool: WorkspacePool

    public init(model: ECCTModel, name: String = "ecct", chunk: Int = 32) {
        precondition(chunk >= 1, "ECCTDecoder: chunk must be positive")
        self.name = name
        self.model = model
        self.chunk = chunk
        self.pool = WorkspacePool(network: model.network, batch: chunk)
        GEMM.useSingleThreadedBLAS()
    }

    public func decode(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>) {
        decode(llr: llr, count: count, llrScale: 1, into: bits)
    }

    public func decode(llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into bits: UnsafeMutableBufferPointer<UInt8>) {
        let n = model.code.n
        precondition(llr.count >= count * n && bits.count >= count * n, "ECCTDecoder: buffers shorter than \(count) frames")
        let scratch = pool.take()
        defer { pool.give(scratch) }
        let inverse = llrScale != 0 && llrScale.isFinite ? 1 / llrScale : 1
        var start = 0
        while start < count {
            let frames = min(chunk, count - start)
            for i in 0..<(frames * n) { scratch.y[i] = llr[start * n + i] * inverse }
            for i in (frames * n)..<(chunk * n) { scratch.y[i] = 1 }
            logits(y: scratch.y, scratch: scratch)
            for i in 0..<(frames * n) {
                // x̂ = sign(f)·sign(y) = −1 ⇔ f·y < 0; ties (f = 0 or y = 0) follow the sign of the other factor
                let f = scratch.logits[i], y = scratch.y[i]
                bits[start * n + i] = (f < 0) != (y < 0) ? 1 : 0
            }
            start += frames
        }
    }

    /// Logits [chunk, n] into scratch.logits from y [chunk, n].
    func logits(y: UnsafePointer<Float>, scratch: Scratch) {
        model.tokens(channelOutput: y, batch: chunk, into: scratch.tokens)
        model.network.forward(input: scratch.tokens, logits: scratch.logits, workspace: scratch.workspace,
                              parameters: model.network.parameters.values, training: false, forBackward: false)
    }

    /// Buffers of one chunk.
    final class Scratch: @unchecked Sendable {
        let workspace: ScalarTokenTransformer.Workspace
        let y, tokens, logits: UnsafeMutablePointer<Float>
        init(network: ScalarTokenTransformer, batch: Int) {
            workspace = network.makeWorkspace(batch: batch)
            y = .allocate(capacity: batch * network.outputs)
            tokens = .allocate(capacity: batch * network.length)
            logits = .allocate(capacity: batch * network.outputs)
        }
        deinit { y.deallocate(); tokens.deallocate(); logits.deallocate() }
    }

    /// Reusable scratch buffers, one per concurrent caller.
    final class WorkspacePool: @unchecked Sendable {
        let network: ScalarTokenTransformer
        let batch: Int
        private var free: [Scratch] = []
        private let lock = NSLock()
        init(network: ScalarTokenTransformer, batch: Int) { self.network = network; self.batch = batch }
        func take() -> Scratch {
            lock.lock()
            let s = free.popLast()
            lock.unlock()
            return s ?? Scratch(network: network, batch: batch)
        }
        func give(_ s: Scratch) { lock.lock(); free.append(s); lock.unlock() }
    }
}
