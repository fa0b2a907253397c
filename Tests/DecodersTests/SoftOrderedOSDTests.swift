import Base
import Channels
import Codes
import Decoders
import Foundation
import GF2
import XCTest

/// Soft outputs (a decoder's LLRs give its own decisions) and `D+osdK`: OSD ordered by them, chosen by the channel.
final class SoftOrderedOSDTests: XCTestCase {
    /// Random codewords of `code` through AWGN at `ebn0`: their LLRs and the LLR scale 2/σ².
    func frames(_ code: LinearCode, count: Int, ebn0: Double, seed: UInt64) -> (llr: [Float], scale: Float) {
        var rng = SeededRNG(seed: seed)
        var bits: [UInt8] = []
        for _ in 0..<count {
            bits += code.encode(BitVector(bits: (0..<code.k).map { _ in UInt8(rng.next() & 1) })).bits
        }
        var llr = [Float](repeating: 0, count: bits.count)
        let channel = Channel(model: .awgn, parameter: ebn0, rate: code.rate)
        bits.withUnsafeBufferPointer { b in
            llr.withUnsafeMutableBufferPointer { channel.transmit(b, into: $0, rng: &rng) }
        }
        let sigma = awgnSigma(ebN0dB: ebn0, rate: code.rate)
        return (llr, Float(2 / (sigma * sigma)))
    }

    func decode(_ d: any Decoder, _ llr: [Float], scale: Float, n: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: llr.count)
        llr.withUnsafeBufferPointer { l in
            out.withUnsafeMutableBufferPointer { d.decode(llr: l, count: llr.count / n, llrScale: scale, into: $0) }
        }
        return out
    }

    func testChannelOrderedOSDIsOSDBitForBit() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        let (llr, scale) = frames(code, count: 120, ebn0: 3, seed: 11)
        for k in 0...3 {
            let frames = k == 3 ? Array(llr[0..<(20 * code.n)]) : llr
            let plain = decode(try DecoderCatalog.make("osd\(k)", code: code), frames, scale: scale, n: code.n)
            let ordered = decode(
                try DecoderCatalog.make("channel+osd\(k)", code: code), frames, scale: scale, n: code.n)
            XCTAssertEqual(plain, ordered, "osd\(k)")
        }
    }

    func testSoftOutputsGiveTheDecodersOwnDecisions() throws {
        let bch = try Catalog.code(named: "BCH-63-45")
        let (llr, scale) = frames(bch, count: 200, ebn0: 3, seed: 12)
        for name in ["channel", "bp50", "ms20", "nms20", "lbp20", "ecct", "aecct", "ecct+tta4", "bp10+tta3"] {
            let d = try XCTUnwrap(try DecoderCatalog.make(name, code: bch) as? any SoftOutputDecoder, name)
            var soft = [Float](repeating: .nan, count: llr.count)
            llr.withUnsafeBufferPointer { l in
                soft.withUnsafeMutableBufferPointer { d.decodeSoft(llr: l, count: 200, llrScale: scale, into: $0) }
            }
            XCTAssertTrue(soft.allSatisfy(\.isFinite), name)
            XCTAssertEqual(soft.map(hardDecision), decode(d, llr, scale: scale, n: bch.n), name)
        }
        let learned = try Catalog.code(named: "LEARNED-31-16")
        let (y, s) = frames(learned, count: 100, ebn0: 3, seed: 13)
        let dc = try XCTUnwrap(try DecoderCatalog.make("dc-ecct", code: learned) as? any SoftOutputDecoder)
        var soft = [Float](repeating: 0, count: y.count)
        y.withUnsafeBufferPointer { l in
            soft.withUnsafeMutableBufferPointer { dc.decodeSoft(llr: l, count: 100, llrScale: s, into: $0) }
        }
        XCTAssertEqual(soft.map(hardDecision), decode(dc, y, scale: s, n: learned.n))
    }

    func testOrderedOSDAlwaysReturnsCodewordsAndBeatsItsBase() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        let (llr, scale) = frames(code, count: 300, ebn0: 3, seed: 14)
        for name in ["ecct+osd1", "bp20+osd1", "lbp10+osd0", "aecct+osd1", "channel+osd0", "ecct+tta2+osd1"] {
            let bits = decode(try DecoderCatalog.make(name, code: code), llr, scale: scale, n: code.n)
            for f in 0..<300 {
                let word = Array(bits[(f * code.n)..<((f + 1) * code.n)])
                XCTAssertTrue(code.isCodeword(BitVector(bits: word)), "\(name) frame \(f)")
            }
        }
        // decoded frames that differ from osd2's: ecct+osd1 much closer to osd2 (≈ ML) than ecct alone
        let reference = decode(try DecoderCatalog.make("osd2", code: code), llr, scale: scale, n: code.n)
        func differing(_ name: String) throws -> Int {
            let bits = decode(try DecoderCatalog.make(name, code: code), llr, scale: scale, n: code.n)
            return (0..<300).filter { f in
                bits[(f * code.n)..<((f + 1) * code.n)] != reference[(f * code.n)..<((f + 1) * code.n)]
            }.count
        }
        let plain = try differing("ecct"), ordered = try differing("ecct+osd1")
        XCTAssertLessThan(ordered, plain, "ecct+osd1 differs from osd2 on \(ordered) frames, ecct on \(plain)")
    }

    /// `D+osdK` runs OSD on the channel's order too and keeps the likelier candidate: per frame never less likely under
    /// the channel than `osdK`'s, strictly more on some frames at 3 dB (ECCT), and K + 1 test patterns a frame doubled.
    func testOrderedOSDIsNeverLessLikelyThanPlainOSD() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        let count = 300
        let (llr, scale) = frames(code, count: count, ebn0: 3, seed: 16)
        let plain = decode(try DecoderCatalog.make("osd1", code: code), llr, scale: scale, n: code.n)
        func correlation(_ bits: [UInt8], _ f: Int) -> Float {
            (0..<code.n).reduce(0) { $0 + (bits[f * code.n + $1] == 0 ? llr[f * code.n + $1] : -llr[f * code.n + $1]) }
        }
        for name in ["ecct+osd1", "bp20+osd1"] {
            let d = try XCTUnwrap(try DecoderCatalog.make(name, code: code) as? SoftOrderedStatisticsDecoder)
            XCTAssertEqual(d.testPatterns, 2 * (1 + code.k), name)
            let ordered = decode(d, llr, scale: scale, n: code.n)
            var better = 0
            for f in 0..<count {
                XCTAssertGreaterThanOrEqual(correlation(ordered, f), correlation(plain, f) - 1e-3, "\(name) frame \(f)")
                if correlation(ordered, f) > correlation(plain, f) + 1e-3 { better += 1 }
            }
            if name == "ecct+osd1" { XCTAssertGreaterThan(better, 0, "the ECCT's order never beat the channel's") }
        }
        let channel = try XCTUnwrap(
            try DecoderCatalog.make("channel+osd1", code: code) as? SoftOrderedStatisticsDecoder)
        XCTAssertEqual(channel.testPatterns, 1 + code.k)
    }

    /// `D+ttaK+osdK` runs OSD on every image's order: each frame's choice is at least as likely under the channel as
    /// `D+osdK`'s (the identity's order is among them), and the ensemble's K soft outputs are each image's, mapped back.
    func testEnsembleOrdersAreEveryImagesAndTheBestIsKept() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        let count = 400
        let (llr, scale) = frames(code, count: count, ebn0: 2, seed: 15)
        let ensemble = try XCTUnwrap(try DecoderCatalog.make("ecct+tta3", code: code) as? AutomorphismEnsembleDecoder)
        XCTAssertEqual(ensemble.softOutputsPerFrame, 3)
        var all = [Float](repeating: .nan, count: count * 3 * code.n)
        llr.withUnsafeBufferPointer { l in
            all.withUnsafeMutableBufferPointer {
                ensemble.decodeSoftOutputs(llr: l, count: count, llrScale: scale, into: $0)
            }
        }
        let base = try XCTUnwrap(ensemble.base as? any SoftOutputDecoder)
        for (i, π) in ensemble.permutations.enumerated() {
            var permuted = [Float](repeating: 0, count: llr.count), soft = permuted
            for f in 0..<count { for j in 0..<code.n { permuted[f * code.n + j] = llr[f * code.n + π[j]] } }
            permuted.withUnsafeBufferPointer { p in
                soft.withUnsafeMutableBufferPointer { base.decodeSoft(llr: p, count: count, llrScale: scale, into: $0) }
            }
            for f in 0..<count {
                for j in 0..<code.n {
                    XCTAssertEqual(all[(f * 3 + i) * code.n + π[j]], soft[f * code.n + j], "image \(i) frame \(f)")
                }
            }
        }
        let single = decode(try DecoderCatalog.make("ecct+osd1", code: code), llr, scale: scale, n: code.n)
        let multiple = decode(try DecoderCatalog.make("ecct+tta3+osd1", code: code), llr, scale: scale, n: code.n)
        func correlation(_ bits: [UInt8], _ f: Int) -> Float {
            (0..<code.n).reduce(0) { $0 + (bits[f * code.n + $1] == 0 ? llr[f * code.n + $1] : -llr[f * code.n + $1]) }
        }
        var better = 0
        for f in 0..<count {
            XCTAssertGreaterThanOrEqual(correlation(multiple, f), correlation(single, f) - 1e-3, "frame \(f)")
            if correlation(multiple, f) > correlation(single, f) + 1e-3 { better += 1 }
        }
        XCTAssertGreaterThan(better, 0, "three orders (and the channel's) never beat one (and the channel's) at 2 dB")
    }

    func testBadNamesAreRefusedClearly() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        for (name, message) in [
            ("ecct+osd9", "OSD order 9 is outside 0…3"), ("bm+osd1", "'bm' has no soft output"),
            ("ecct+osdx", "+osdK needs an order K"), ("osd2+osd1", "'osd2' has no soft output"),
            ("nosuch+osd1", "unknown decoder 'nosuch'"), ("bm+tta2+osd1", "'bm+tta2' has no soft output"),
        ] {
            XCTAssertThrowsError(try DecoderCatalog.make(name, code: code), name) {
                XCTAssertTrue("\($0)".contains(message), "\(name): \($0)")
            }
        }
    }
}

/// OSD's combination sweep (OSD-CS): order-2 patterns only among the last λ rows of the MRB.
final class OSDCombinationSweepTests: XCTestCase {
    func testSweepCountsAndBounds() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        XCTAssertEqual(OrderedStatisticsDecoder(code: code, order: 2).testPatterns, 1 + 45 + 990)
        XCTAssertEqual(OrderedStatisticsDecoder(code: code, order: 2, sweep: 10).testPatterns, 1 + 45 + 45)
        XCTAssertEqual(OrderedStatisticsDecoder(code: code, order: 1, sweep: 10).testPatterns, 1 + 45)
        // a full sweep is plain OSD-2; a sweep of 0 is OSD-1, bit for bit
        var rng = SeededRNG(seed: 3)
        var llr = [Float](repeating: 0, count: 100 * code.n)
        for i in llr.indices { llr[i] = 2 + 2.2 * Float(rng.nextDouble() * 2 - 1) * 1.8 }
        func run(_ d: OrderedStatisticsDecoder) -> [UInt8] { d.decode(llr: llr, n: code.n) }
        XCTAssertEqual(run(.init(code: code, order: 2, sweep: 45)), run(.init(code: code, order: 2)))
        XCTAssertEqual(run(.init(code: code, order: 2, sweep: 0)), run(.init(code: code, order: 1)))
        XCTAssertNotEqual(run(.init(code: code, order: 2, sweep: 10)), run(.init(code: code, order: 1)), "λ = 10 adds")
    }
}
