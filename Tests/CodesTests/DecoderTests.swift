import Base
import Channels
import GF2
import TestSupport
import XCTest

@testable import Codes

final class DecoderTests: XCTestCase {
    /// Random codewords with AWGN LLRs at the given Eb/N0.
    func frames(_ code: LinearCode, count: Int, ebn0: Double, seed: UInt64) -> (bits: [UInt8], llr: [Float]) {
        var rng = SeededRNG(seed: seed)
        var bits: [UInt8] = []
        for _ in 0..<count {
            let u = BitVector(bits: (0..<code.k).map { _ in UInt8(rng.next() & 1) })
            bits += code.encode(u).bits
        }
        var llr = [Float](repeating: 0, count: bits.count)
        let channel = Channel(model: .awgn, parameter: ebn0, rate: code.rate)
        bits.withUnsafeBufferPointer { b in
            llr.withUnsafeMutableBufferPointer { channel.transmit(b, into: $0, rng: &rng) }
        }
        return (bits, llr)
    }

    func isCodeword(_ code: LinearCode, _ word: ArraySlice<UInt8>) -> Bool {
        code.isCodeword(BitVector(bits: Array(word)))
    }

    /// Correlation Σ (1 − 2c_j) llr_j: the ML codeword maximises it.
    func correlation(_ word: ArraySlice<UInt8>, _ llr: ArraySlice<Float>) -> Float {
        zip(word, llr).reduce(0) { $0 + ($1.0 == 0 ? $1.1 : -$1.1) }
    }

    func allCodewords(_ code: LinearCode) -> [[UInt8]] {
        (0..<(1 << code.k)).map { u in code.encode(BitVector(bits: (0..<code.k).map { UInt8((u >> $0) & 1) })).bits }
    }

    func testEveryDecoderReturnsNoiselessCodewords() throws {
        for (name, decoders) in [
            ("BCH-63-45", ["bp5", "ms5", "nms5", "oms5", "lbp5", "osd0", "osd2", "bm"]),
            ("POLAR-64-32", ["bp5", "sc", "scl4", "osd1"]), ("CCSDS-128-64", ["lbp10", "bp10"]),
        ] {
            let code = try Catalog.code(named: name)
            var (bits, _) = frames(code, count: 8, ebn0: 0, seed: 7)
            let llr = bits.map { $0 == 0 ? Float(4) : Float(-4) }
            for d in decoders {
                let out = try DecoderRegistry.make(d, code: code).decode(llr: llr, n: code.n)
                XCTAssertEqual(out, bits, "\(name) \(d)")
            }
            bits.removeAll()
        }
    }

    /// Exhaustive ML over all 2^k codewords is the reference twin of OSD: on the Golay(24,12) code OSD-3 agrees
    /// with it on nearly every frame, and no OSD order ever returns a word more likely than ML's.
    func testOSDAgreesWithExhaustiveML() throws {
        let code = try Catalog.code(named: "GOLAY-24-12")
        let n = code.n, count = 300
        let book = allCodewords(code).map { $0.map { $0 == 0 ? Float(1) : Float(-1) } }
        let (_, llr) = frames(code, count: count, ebn0: 1.5, seed: 11)
        let osd3 = OrderedStatisticsDecoder(code: code, order: 3).decode(llr: llr, n: n)
        let osd1 = OrderedStatisticsDecoder(code: code, order: 1).decode(llr: llr, n: n)
        var disagree3 = 0, disagree1 = 0
        for f in 0..<count {
            let l = Array(llr[(f * n)..<((f + 1) * n)])
            var best = -Float.infinity, bestIndex = 0
            for (i, x) in book.enumerated() {
                var s: Float = 0
                for j in 0..<n { s += x[j] * l[j] }
                if s > best { best = s; bestIndex = i }
            }
            let ml = book[bestIndex].map { $0 > 0 ? UInt8(0) : UInt8(1) }
            for (out, counter) in [(osd3, 3), (osd1, 1)] {
                let mine = out[(f * n)..<((f + 1) * n)]
                XCTAssertTrue(isCodeword(code, mine))
                XCTAssertLessThanOrEqual(correlation(mine, l[...]), best + 1e-3)
                if Array(mine) != ml { if counter == 3 { disagree3 += 1 } else { disagree1 += 1 } }
            }
        }
        XCTAssertLessThanOrEqual(disagree3, 3, "OSD-3 on Golay(24,12) should be ML on ≥ 99% of frames")
        XCTAssertGreaterThan(disagree1, disagree3, "order 1 is further from ML than order 3 at this noise level")
    }

    func testBerlekampMasseyCorrectsUpToTErrors() throws {
        for name in ["BCH-63-45", "BCH-31-16", "BCH-127-64", "BCH-15-7"] {
            let code = try Catalog.code(named: name)
            guard case .bch(_, let t, _) = code.structure else { return XCTFail() }
            let bm = try BerlekampMasseyDecoder(code: code)
            var rng = SeededRNG(seed: 3)
            for trial in 0..<40 {
                let u = BitVector(bits: (0..<code.k).map { _ in UInt8(rng.next() & 1) })
                let c = code.encode(u).bits
                var r = c
                let errors = trial % (t + 1)
                var positions = Set<Int>()
                while positions.count < errors { positions.insert(Int(rng.next() % UInt64(code.n))) }
                for p in positions { r[p] ^= 1 }
                let out = bm.decode(llr: r.map { $0 == 0 ? 1 : -1 }, n: code.n)
                XCTAssertEqual(out, c, "\(name): \(errors) errors")
            }
        }
        XCTAssertThrowsError(try BerlekampMasseyDecoder(code: Catalog.code(named: "POLAR-64-32")))
    }

    func testBeliefPropagationCheckNodeRulesMatchReference() {
        // Reference twin: exact boxplus in Double, and min-sum by definition.
        let inputs: [Float] = [1.3, -0.4, 2.2, -3.1, 0.9]
        var out = [Float](repeating: 0, count: 5), scratch = [Float](repeating: 0, count: 5)
        for rule in [CheckNodeRule.sumProduct, .minSum, .normalizedMinSum(alpha: 0.75), .offsetMinSum(beta: 0.5)] {
            inputs.withUnsafeBufferPointer { i in
                out.withUnsafeMutableBufferPointer { o in
                    scratch.withUnsafeMutableBufferPointer { s in
                        CheckNode.update(rule, input: i, output: o, scratch: s)
                    }
                }
            }
            for j in 0..<5 {
                let others = inputs.enumerated().filter { $0.offset != j }.map { Double($0.element) }
                let expected: Double
                switch rule {
                case .sumProduct: expected = 2 * atanh(others.reduce(1) { $0 * tanh($1 / 2) })
                case .minSum: expected = others.reduce(1) { $0 * ($1 < 0 ? -1 : 1) } * others.map(abs).min()!
                case .normalizedMinSum(let a):
                    expected = Double(a) * others.reduce(1) { $0 * ($1 < 0 ? -1 : 1) } * others.map(abs).min()!
                case .offsetMinSum(let b):
                    expected = others.reduce(1) { $0 * ($1 < 0 ? -1 : 1) } * max(others.map(abs).min()! - Double(b), 0)
                }
                XCTAssertEqual(Double(out[j]), expected, accuracy: 1e-5, "\(rule) edge \(j)")
            }
        }
    }

    /// The SIMD sum-product kernel against the per-check libm twin: messages agree to 1e-4 (relative), and
    /// whole-frame BP decisions agree on (nearly) every frame.
    func testFastSumProductMatchesReferenceKernel() throws {
        var rng = SeededRNG(seed: 21)
        for d in [2, 3, 6, 8, 9, 17, 32] {
            let input = (0..<d).map { _ in Float(rng.nextDouble() * 24 - 12) }
            var fast = [Float](repeating: 0, count: d), ref = [Float](repeating: 0, count: d)
            var scratch = [Float](repeating: 0, count: 40), padded = [Float](repeating: 0, count: 40)
            input.withUnsafeBufferPointer { i in
                fast.withUnsafeMutableBufferPointer { o in
                    scratch.withUnsafeMutableBufferPointer { s in
                        padded.withUnsafeMutableBufferPointer { p in
                            SumProduct.update(input: i, output: o, scratch: s, padded: p)
                        }
                    }
                }
                ref.withUnsafeMutableBufferPointer { o in
                    scratch.withUnsafeMutableBufferPointer { s in
                        CheckNode.update(.sumProduct, input: i, output: o, scratch: s)
                    }
                }
            }
            for j in 0..<d {
                XCTAssertEqual(fast[j], ref[j], accuracy: 1e-4 * max(1, abs(ref[j])), "d = \(d), edge \(j)")
            }
        }
        for (name, decoder) in [("BCH-63-45", "bp50"), ("CCSDS-128-64", "lbp20")] {
            let code = try Catalog.code(named: name)
            let (_, llr) = frames(code, count: 500, ebn0: 3, seed: 8)
            func run(_ kernels: KernelPath) -> [UInt8] {
                var d = BeliefPropagationDecoder(
                    code: code, iterations: decoder.hasPrefix("lbp") ? 20 : 50,
                    schedule: decoder.hasPrefix("lbp") ? .layered : .flooding)
                d.kernels = kernels
                return d.decode(llr: llr, n: code.n)
            }
            let refOut = run(.reference)
            for kernels in KernelPath.runnableCases where kernels != .reference {
                let fastOut = run(kernels)
                let differing = (0..<500).filter {
                    fastOut[($0 * code.n)..<(($0 + 1) * code.n)] != refOut[($0 * code.n)..<(($0 + 1) * code.n)]
                }.count
                XCTAssertLessThanOrEqual(
                    differing, 3, "\(name) \(decoder) \(kernels): \(differing) of 500 frames differ")
            }
        }
    }

    /// SC is SCL with L = 1; a longer list finds more likely paths, so it has fewer frame errors on the same
    /// frames, and no decoder has fewer errors than the ML lower bound (frames where some decoder returned a
    /// codeword more likely than the one sent).
    func testPolarListDecoding() throws {
        let code = try Catalog.code(named: "POLAR-64-32")
        let count = 400
        let (bits, llr) = frames(code, count: count, ebn0: 2.5, seed: 5)
        let n = code.n
        var mlErrorFrames = Set<Int>()
        func frameErrors(_ d: String) throws -> Int {
            let out = try DecoderRegistry.make(d, code: code).decode(llr: llr, n: n)
            var errors = 0
            for f in 0..<count {
                let mine = out[(f * n)..<((f + 1) * n)], sent = bits[(f * n)..<((f + 1) * n)],
                    l = llr[(f * n)..<((f + 1) * n)]
                XCTAssertTrue(isCodeword(code, mine), d)
                if mine != sent {
                    errors += 1
                    if correlation(mine, l) > correlation(sent, l) { mlErrorFrames.insert(f) }
                }
            }
            return errors
        }
        let sc = try frameErrors("sc"), scl1 = try frameErrors("scl1"), scl8 = try frameErrors("scl8")
        let scl32 = try frameErrors("scl32"), osd3 = try frameErrors("osd3")
        XCTAssertEqual(sc, scl1)
        XCTAssertGreaterThan(sc, 20, "the test point has errors to compare")
        XCTAssertLessThan(scl8, sc, "SCL-8 beats SC")
        XCTAssertLessThanOrEqual(scl32, scl8)
        for e in [sc, scl8, scl32, osd3] { XCTAssertGreaterThanOrEqual(e, mlErrorFrames.count, "no decoder beats ML") }
        XCTAssertLessThanOrEqual(scl32 - mlErrorFrames.count, 8, "SCL-32 is near ML on POLAR-64-32")
    }

    /// A file whose H rows are columns of F^⊗p is recognised as polar, so SC runs on the benchmark files.
    func testPolarFileGetsSC() throws {
        let code = try Reference.code("POLAR_N64_K32.txt")
        XCTAssertNoThrow(try DecoderRegistry.make("scl4", code: code))
        XCTAssertThrowsError(try DecoderRegistry.make("sc", code: Reference.code("BCH_N63_K45.txt")))
    }

    func testDecoderNamesAreValidated() throws {
        let code = try Catalog.code(named: "BCH-31-16")
        for bad in ["bp", "bp0", "osd7", "foo", "scl0", "lbp-3"] {
            XCTAssertThrowsError(try DecoderRegistry.make(bad, code: code), bad)
        }
        XCTAssertEqual(try DecoderRegistry.make("BP50", code: code).name, "bp50")
    }
}
