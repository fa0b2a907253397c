/// `D+osdK`: ordered-statistics decoding of order K whose reliability order is decoder D's soft output.
///
/// OSD (Fossorier & Lin 1995) needs only a good order of the positions: here the most reliable basis is found on the
/// order of |L_D| (D's posterior LLRs: BP's marginals, a neural decoder's logits), re-encoded from D's hard decision, and
/// every test pattern up to weight K is scored by its correlation discrepancy against the channel — the channel
/// likelihood of y, whatever D believes. BP+OSD (Panteleev & Kalachev; ldpc's `BpOsdDecoder`) is `bpN+osdK`; with D the
/// channel itself it is exactly `osdK`. Always returns a codeword.
///
/// OSD also runs on the channel's own order (|y|), and the candidate of least discrepancy against the channel is kept: a
/// multiple-bases OSD (D's basis and the channel's), so `D+osdK` is never less likely per frame than `osdK` — a
/// neural order is best where the channel's is weak and weaker where it is strong. A decoder with several soft outputs
/// per frame (`D+ttaK`: one per automorphism image, mapped back) gives several orders; OSD runs on each (the channel's
/// order is invariant under the code's automorphisms, a neural decoder's is not). Measured on BCH-63-45 at 4 dB (ECCT
/// N2 d32, `ecct+tta4+osd1`, before the channel's order was added): every image's order 1.86e-3 FER, their averaged
/// LLRs 2.50e-3, the kept image's alone 3.20e-3; osd2 1.79e-3 (Models/README.md).
public struct SoftOrderedStatisticsDecoder: Decoder, FallbackReporting {
    public let name: String
    public let base: any SoftOutputDecoder
    let osd: OrderedStatisticsDecoder
    /// Frames per call of D (its soft output is held for one chunk at a time).
    public static let chunk = 64

    /// Throws a `CodeError` for an order outside 0…3.
    public init(base: any SoftOutputDecoder, code: LinearCode, order: Int, name: String? = nil) throws {
        guard (0...3).contains(order) else {
            throw CodeError("decoder '\(name ?? base.name + "+osd\(order)")': OSD order \(order) is outside 0…3")
        }
        self.base = base
        self.osd = OrderedStatisticsDecoder(code: code, order: order)
        self.name = name ?? "\(base.name)+osd\(order)"
    }

    public var order: Int { osd.order }
    /// OSD also runs on the channel's order (not when D is the channel: `channel+osdK` is `osdK`).
    public var addsChannelOrder: Bool { !(base is ChannelDecoder) }
    /// Test patterns a frame: OSD-K's for each of D's orders and the channel's.
    public var testPatterns: Int { osd.testPatterns * (base.softOutputsPerFrame + (addsChannelOrder ? 1 : 0)) }

    public func decode(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>) {
        decode(llr: llr, count: count, llrScale: 1, into: bits)
    }

    public func decode(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into bits: UnsafeMutableBufferPointer<UInt8>
    ) {
        let n = osd.n
        precondition(llr.count >= count * n && bits.count >= count * n, "\(name): buffers shorter than \(count) frames")
        let orders = base.softOutputsPerFrame
        let soft = UnsafeMutableBufferPointer<Float>.allocate(capacity: Self.chunk * orders * n)
        let candidate = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: n)
        let scratch = OrderedStatisticsDecoder.Scratch(n: n, k: osd.k)
        defer {
            soft.deallocate()
            candidate.deallocate()
            scratch.deallocate()
        }
        var start = 0
        while start < count {
            let frames = min(Self.chunk, count - start)
            // soft: [frames, orders, n]
            base.decodeSoftOutputs(
                llr: UnsafeBufferPointer(rebasing: llr[(start * n)..<((start + frames) * n)]), count: frames,
                llrScale: llrScale, into: soft)
            for f in 0..<frames {
                let frame = start + f
                let channel = UnsafeBufferPointer(rebasing: llr[(frame * n)..<((frame + 1) * n)])
                func order(_ i: Int) -> UnsafeBufferPointer<Float> {
                    UnsafeBufferPointer(rebasing: soft[((f * orders + i) * n)..<((f * orders + i + 1) * n)])
                }
                var best = osd.decodeFrame(
                    ordering: order(0), channel: channel, into: bits.baseAddress! + frame * n, scratch: scratch)
                for i in 1..<(orders + (addsChannelOrder ? 1 : 0)) {
                    let ordering = i < orders ? order(i) : channel
                    let cost = osd.decodeFrame(
                        ordering: ordering, channel: channel, into: candidate.baseAddress!, scratch: scratch)
                    if cost < best {
                        best = cost
                        for j in 0..<n { bits[frame * n + j] = candidate[j] }
                    }
                }
            }
            start += frames
        }
    }

    public func takeFallbacks() -> (frames: Int, reason: String) {
        (base as? FallbackReporting)?.takeFallbacks() ?? (0, "")
    }
}
