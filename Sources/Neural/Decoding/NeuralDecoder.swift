import Base
import Codes
import Foundation

/// Any network that predicts the channel's flips as a `Decoder`: channel output y → logits f → x̂ = sign(f)·sign(y),
/// bit 1 where x̂ = −1 (the ECCT family's decision, docs/DESIGN.md §3). The network's raw input is y [n].
///
/// The networks read y, not LLRs: `decode(llr:count:llrScale:into:)` recovers y = LLR / llrScale (the Monte Carlo
/// engine passes 2/σ² for AWGN); plain `decode(llr:count:into:)` takes its input as y itself. Frames run in chunks
/// of `chunk` words in evaluation mode (set OpenBLAS to one thread first: `GEMM.useSingleThreadedBLAS()`, as the
/// executables do); workspaces are pooled, so concurrent calls from the Monte Carlo threads
/// share only the weights, and memory depends on the number of concurrent callers, not on the frame count.
///
/// With `codewordGate`, a word whose hard decision satisfies every check of that graph is decoded as its hard decision
/// without the network — the other half of SBND's protocol (Lebidan et al.; lebidan/sbnd): a network trained only on
/// words with a non-zero syndrome (`--reject-zero-syndrome`) has never seen a codeword, and may flip bits of one.
public struct NeuralDecoder<Network: TrainableNetwork>: Decoder, FallbackReporting {
    public let name: String
    public let network: Network
    public let chunk: Int
    /// Words whose hard decision satisfies every check of this graph skip the network (nil: every word runs it).
    public let codewordGate: TannerGraph?
    let pool: WorkspacePool<Scratch>
    let fallbacks = FallbackCounter()

    public init(network: Network, name: String, chunk: Int = 32, codewordGate: TannerGraph? = nil) {
        precondition(chunk >= 1, "NeuralDecoder: chunk must be positive")
        precondition(
            network.inputWidth == network.outputWidth, "NeuralDecoder: a flip decoder needs one logit per input")
        precondition(
            codewordGate.map { $0.n == network.inputWidth } ?? true, "NeuralDecoder: the gate's checks are of another n"
        )
        self.name = name
        self.network = network
        self.chunk = chunk
        self.codewordGate = codewordGate
        self.pool = WorkspacePool { Scratch(network: network, batch: chunk) }
    }

    public func decode(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>) {
        decode(llr: llr, count: count, llrScale: 1, into: bits)
    }

    public func decode(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into bits: UnsafeMutableBufferPointer<UInt8>
    ) {
        precondition(bits.count >= count * network.inputWidth, "\(name): buffers shorter than \(count) frames")
        let n = network.inputWidth
        infer(llr: llr, count: count, llrScale: llrScale) { frame, y, logits in
            for j in 0..<n {
                // x̂ = sign(f)·sign(y) = −1 ⇔ f·y < 0; ties (f = 0 or y = 0) follow the sign of the other factor
                bits[frame * n + j] = (logits[j] < 0) != (y[j] < 0) ? 1 : 0
            }
        }
    }

    /// Runs the network on chunks of frames: `emit(frame, y, logits)` for every frame, y and logits [n], in no fixed
    /// order. A frame whose logits are not finite gets logits +1 (hard decision) and is counted. A frame that
    /// `codewordGate` passes skips the network and gets logits |y| (its hard decision; as soft output, y itself).
    func infer(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float,
        emit: (Int, UnsafePointer<Float>, UnsafePointer<Float>) -> Void
    ) {
        let n = network.inputWidth
        precondition(llr.count >= count * n, "\(name): buffers shorter than \(count) frames")
        let inverse = llrScale != 0 && llrScale.isFinite ? 1 / llrScale : 1
        pool.with { s in
            network.parameters.values.withUnsafeBufferPointer { p in
                var next = 0
                while next < count {
                    // fill a chunk with the frames that need the network; gated frames are emitted as they come
                    var filled = 0
                    while filled < chunk && next < count {
                        let y = s.y + filled * n
                        for j in 0..<n { y[j] = llr[next * n + j] * inverse }
                        if let gate = codewordGate, !gate.hasNonzeroSyndrome(hardDecisionOf: y) {
                            let logits = s.logits + filled * n
                            for j in 0..<n { logits[j] = abs(y[j]) }
                            emit(next, y, logits)
                        } else {
                            s.frames[filled] = next
                            filled += 1
                        }
                        next += 1
                    }
                    guard filled > 0 else { continue }
                    for i in (filled * n)..<(chunk * n) { s.y[i] = 1 }
                    network.infer(
                        input: s.y, logits: s.logits, count: chunk, workspace: s.workspace, parameters: p.baseAddress!)
                    var fallback = 0
                    for f in 0..<filled {
                        // a frame whose logits are not finite is decoded by hard decision (f ↦ +1), and counted
                        var finite = true
                        for j in 0..<n where !s.logits[f * n + j].isFinite { finite = false; break }
                        if !finite { fallback += 1; for j in 0..<n { s.logits[f * n + j] = 1 } }
                        emit(s.frames[f], s.y + f * n, s.logits + f * n)
                    }
                    if fallback > 0 { fallbacks.add(fallback) }
                }
            }
        }
    }

    public func takeFallbacks() -> (frames: Int, reason: String) {
        (
            fallbacks.take(),
            "the network's logits were not finite (NaN or infinity); those frames were decoded by hard decision"
        )
    }

    /// Buffers of one chunk.
    final class Scratch: @unchecked Sendable {
        let workspace: Network.Workspace
        let arena = Arena()
        let y, logits: UnsafeMutablePointer<Float>
        /// The input frame of each row of the chunk.
        let frames: UnsafeMutablePointer<Int>
        init(network: Network, batch: Int) {
            workspace = network.makeWorkspace(batch: batch)
            y = arena.take(batch * network.inputWidth)
            logits = arena.take(batch * network.outputWidth)
            frames = arena.takeRaw(batch, of: Int.self)
        }
    }
}

/// A decoder that may pass codewords through without running its network (`NeuralDecoder.codewordGate`).
public protocol CodewordGating {
    var gatesCodewords: Bool { get }
}

extension NeuralDecoder: CodewordGating {
    public var gatesCodewords: Bool { codewordGate != nil }
}

/// A count shared by the threads that decode with one decoder (frames or shots decoded by a fallback).
public final class FallbackCounter: @unchecked Sendable {
    private var count = 0
    private let lock = NSLock()
    public init() {}
    public func add(_ k: Int) { lock.lock(); count += k; lock.unlock() }
    /// The count since the last `take`, reset.
    public func take() -> Int { lock.lock(); defer { count = 0; lock.unlock() }; return count }
}
