/// A decoder: channel LLRs in (positive = bit 0 more likely), hard bits out.
///
/// Implementations are immutable values safe to share across threads; scratch memory lives inside
/// each `decode` call, so one batch call amortises allocation over many frames.
public protocol Decoder: Sendable {
    /// Name as given on the command line (`bp50`, `osd2`, …).
    var name: String { get }
    /// Decode `count` frames. llr: [count, n] row-major; bits: [count, n], written as 0/1.
    func decode(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>)
    /// Decode frames whose LLRs are `llrScale` times the channel output y (AWGN: 2/σ²; BSC: ln((1−p)/p)).
    /// Decoders that work on y itself (the ECCT reads |y|) use the scale; the default ignores it.
    func decode(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into bits: UnsafeMutableBufferPointer<UInt8>)
}

extension Decoder {
    public func decode(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float,
        into bits: UnsafeMutableBufferPointer<UInt8>
    ) {
        decode(llr: llr, count: count, into: bits)
    }
}

extension Decoder {
    /// Decode frames held in an array: llr [count · n] → bits [count · n].
    public func decode(llr: [Float], n: Int) -> [UInt8] {
        precondition(n > 0 && llr.count % n == 0, "Decoder.decode: \(llr.count) LLRs is not a multiple of n = \(n)")
        var out = [UInt8](repeating: 0, count: llr.count)
        llr.withUnsafeBufferPointer { l in
            out.withUnsafeMutableBufferPointer { o in decode(llr: l, count: llr.count / n, into: o) }
        }
        return out
    }
}

/// A decoder that falls back to a simpler rule on some frames (a neural decoder whose logits are not finite decodes
/// those frames by hard decision) counts them, so the fallback is reported, never silent.
public protocol FallbackReporting {
    /// Frames decoded by the fallback since the last `takeFallbacks()`, and the reason; reading resets the count.
    func takeFallbacks() -> (frames: Int, reason: String)
}

/// Hard decision: bit 1 where the LLR is negative.
@inlinable public func hardDecision(_ llr: Float) -> UInt8 { llr < 0 ? 1 : 0 }

extension TannerGraph {
    /// True when the 0/1 word satisfies every check.
    @inlinable public func satisfiesAllChecks(_ bits: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        var e = 0
        for c in 0..<m {
            var parity: UInt8 = 0
            let end = checkEdgeStart[c + 1]
            while e < end { parity ^= bits[edgeVariable[e]]; e += 1 }
            if parity != 0 { return false }
        }
        return true
    }
}
