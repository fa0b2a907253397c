import Codes
import XCTest

@testable import Channels

final class MonteCarloTests: XCTestCase {
    func config(threads: Int, minErrors: Int = 40, minFrames: Int = 1000, maxFrames: Int = 50_000) -> MonteCarloConfig {
        var c = MonteCarloConfig()
        c.threads = threads; c.minErrors = minErrors; c.minFrames = minFrames; c.maxFrames = maxFrames
        c.seed = 77; c.blockSize = 64
        return c
    }

    func testCountsDoNotDependOnThreadCount() throws {
        let code = try Catalog.code(named: "BCH-31-16")
        let dec = try DecoderRegistry.make("bp10", code: code)
        var results: [PointResult] = []
        for t in [1, 2, 3, 5] {
            var r = MonteCarlo(code: code, config: config(threads: t)).run(
                decoder: dec, channel: .awgn, parameter: 3, pointIndex: 0)
            r.seconds = 0
            results.append(r)
        }
        for r in results.dropFirst() { XCTAssertEqual(r, results[0]) }
        XCTAssertGreaterThanOrEqual(results[0].frameErrors, 40)
        XCTAssertGreaterThanOrEqual(results[0].frames, 1000)
        XCTAssertEqual(results[0].frames % 64, 0, "stops on a block boundary")
        // a different seed gives different counts
        var other = config(threads: 2); other.seed = 78
        let r2 = MonteCarlo(code: code, config: other).run(decoder: dec, channel: .awgn, parameter: 3, pointIndex: 0)
        XCTAssertNotEqual(r2.bitErrors, results[0].bitErrors)
    }

    func testStoppingRules() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        let dec = try DecoderRegistry.make("osd1", code: code)
        // max frames caps a point without errors
        let clean = MonteCarlo(code: code, config: config(threads: 2, minErrors: 10, minFrames: 100, maxFrames: 1000))
            .run(decoder: dec, channel: .awgn, parameter: 30, pointIndex: 0)
        XCTAssertEqual(clean.frames, 1000)
        XCTAssertEqual(clean.frameErrors, 0)
        // min frames dominates when errors come fast
        let noisy = MonteCarlo(code: code, config: config(threads: 2, minErrors: 5, minFrames: 640, maxFrames: 100_000))
            .run(decoder: dec, channel: .awgn, parameter: -2, pointIndex: 0)
        XCTAssertEqual(noisy.frames, 640)
    }

    /// BCH(7,4) (the cyclic Hamming code) under Berlekamp–Massey corrects exactly one hard error, so its FER has
    /// the closed form 1 − (1−p)^7 − 7p(1−p)^6 with p = Q(1/σ): the engine must agree within 5 standard errors.
    func testEngineFERMatchesClosedFormForHardDecisionHamming() throws {
        let code = try Catalog.code(named: "BCH-7-4")
        let bm = try DecoderRegistry.make("bm", code: code)
        for ebn0 in [1.0, 3.0, 5.0] {
            let sigma = awgnSigma(ebN0dB: ebn0, rate: 4.0 / 7.0)
            let p = 0.5 * erfc(1 / sigma / 2.0.squareRoot())
            let fer = 1 - pow(1 - p, 7) - 7 * p * pow(1 - p, 6)
            let r = MonteCarlo(
                code: code, config: config(threads: 2, minErrors: 0, minFrames: 40_000, maxFrames: 40_000)
            )
            .run(decoder: bm, channel: .awgn, parameter: ebn0, pointIndex: 0)
            XCTAssertEqual(r.frames, 40_000)
            XCTAssertEqual(r.fer, fer, accuracy: 5 * (fer * (1 - fer) / 40_000).squareRoot(), "Eb/N0 \(ebn0)")
        }
    }

    /// BM on BCH(63,45) fails exactly when a frame has more than t = 3 hard errors: FER = P(Bin(63, p) > 3),
    /// p = Q(1/σ). This probes the Gaussian tails and the independence of the 63 samples of a frame, for the
    /// SIMD generator and its scalar twin. 1M frames per point: 5 standard errors of tolerance.
    func testBCHBoundedDistanceFERMatchesBinomialTail() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        let bm = try DecoderRegistry.make("bm", code: code)
        for (i, ebn0) in [5.0, 6.0].enumerated() {
            let sigma = awgnSigma(ebN0dB: ebn0, rate: code.rate)
            let p = 0.5 * erfc(1 / sigma / 2.0.squareRoot())
            var binom = 1.0, term = pow(1 - p, 63.0)
            for e in 0...3 {
                binom -= term
                term *= Double(63 - e) / Double(e + 1) * p / (1 - p)
            }
            for reference in [false, true] {
                var c = config(threads: 2, minErrors: 0, minFrames: 1_000_000, maxFrames: 1_000_000)
                c.blockSize = 4096
                c.referenceNoise = reference
                let r = MonteCarlo(code: code, config: c).run(
                    decoder: bm, channel: .awgn, parameter: ebn0, pointIndex: i)
                XCTAssertEqual(
                    r.fer, binom, accuracy: 5 * (binom / 1e6).squareRoot(), "\(ebn0) dB, reference noise \(reference)")
            }
        }
    }

    /// The benchmark polar code (POLAR-64-32, bit-reversed construction) against the natural-order
    /// construction (POLARSC-64-32) under SC at 4 dB: the latter's FER interval lies far below the former's.
    func testNaturalPolarConstructionIsBetterUnderSC() throws {
        var c = config(threads: 2, minErrors: 0, minFrames: 20_000, maxFrames: 20_000)
        c.blockSize = 1024
        var intervals: [Interval] = []
        for name in ["POLAR-64-32", "POLARSC-64-32"] {
            let code = try Catalog.code(named: name)
            let r = MonteCarlo(code: code, config: c).run(
                decoder: try DecoderRegistry.make("sc", code: code),
                channel: .awgn, parameter: 4, pointIndex: 0)
            intervals.append(r.ferInterval)
        }
        XCTAssertLessThan(
            intervals[1].upper * 5, intervals[0].lower, "POLARSC SC FER \(intervals[1]) vs POLAR \(intervals[0])")
    }
}
