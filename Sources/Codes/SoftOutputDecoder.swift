/// A decoder with a soft output: a posterior LLR per bit (positive = bit 0 more likely, as channel LLRs), whose hard
/// decision is the decoder's own decision (`decode`'s bits). OSD can be ordered by it (`SoftOrderedStatisticsDecoder`).
public protocol SoftOutputDecoder: Decoder {
    /// Posterior LLRs [count, n] of frames whose LLRs are `llrScale` times the channel output (as `decode`).
    func decodeSoft(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into soft: UnsafeMutableBufferPointer<Float>)

    /// How many soft outputs a frame has (an automorphism ensemble: one per permutation; otherwise 1).
    var softOutputsPerFrame: Int { get }

    /// Every soft output of each frame: [count, softOutputsPerFrame, n], in the frame's own bit order.
    func decodeSoftOutputs(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into soft: UnsafeMutableBufferPointer<Float>)
}

extension SoftOutputDecoder {
    public var softOutputsPerFrame: Int { 1 }

    public func decodeSoftOutputs(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into soft: UnsafeMutableBufferPointer<Float>
    ) {
        decodeSoft(llr: llr, count: count, llrScale: llrScale, into: soft)
    }
}

/// The channel itself as a decoder: its soft output is the channel LLRs, its decision the hard decision
/// (`channel+osdK` is exactly `osdK`).
public struct ChannelDecoder: SoftOutputDecoder {
    public let name: String
    /// Bits per frame.
    public let n: Int
    public init(n: Int, name: String = "channel") {
        self.n = n
        self.name = name
    }

    public func decode(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>) {
        precondition(llr.count >= count * n && bits.count >= count * n, "channel: buffers shorter than \(count) frames")
        for i in 0..<(count * n) { bits[i] = hardDecision(llr[i]) }
    }

    public func decodeSoft(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into soft: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(llr.count >= count * n && soft.count >= count * n, "channel: buffers shorter than \(count) frames")
        for i in 0..<(count * n) { soft[i] = llr[i] }
    }
}

extension BeliefPropagationDecoder: SoftOutputDecoder {
    /// BP's posteriors L_v = llr_v + Σ_c m_cv after its last iteration (the channel LLRs when the hard decision is
    /// already a codeword); their hard decision is BP's (flooding: the scalar frame loop of `decodeWithPosteriors`).
    public func decodeSoft(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into soft: UnsafeMutableBufferPointer<Float>
    ) {
        let n = graph.n
        if schedule == .layered {
            var bits = [UInt8](repeating: 0, count: count * n)
            bits.withUnsafeMutableBufferPointer { decodeLayered(llr: llr, count: count, into: $0, posteriors: soft) }
            return
        }
        var bits = [UInt8](repeating: 0, count: n), posteriors = [Float](repeating: 0, count: n)
        for f in 0..<count {
            let frame = Array(llr[(f * n)..<((f + 1) * n)])
            _ = decodeWithPosteriors(llr: frame, bits: &bits, posteriors: &posteriors)
            for j in 0..<n { soft[f * n + j] = posteriors[j] }
        }
    }
}
