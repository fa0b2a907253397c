import Codes
import Foundation
import TestSupport
import XCTest

@testable import Channels

/// The ECCT paper's BP baseline on BCH-63-45 (Choukroun & Wolf 2022, Table 1): −ln(BER) at 4 / 5 / 6 dB.
///
/// Tolerance: 4 standard errors of our estimate (from the per-frame bit-error variance) plus 0.05 for the
/// published figure's own sampling error. These runs take a few seconds in release mode and about a
/// minute in debug.
final class BaselineTests: XCTestCase {
    func check(decoder name: String, published: [Double], minErrors: Int, minFrames: Int) throws {
        let code = try Catalog.code(named: "BCH-63-45")
        let dec = try DecoderRegistry.make(name, code: code)
        var config = MonteCarloConfig()
        config.minErrors = minErrors; config.minFrames = minFrames; config.maxFrames = 400_000; config.seed = 2024
        let engine = MonteCarlo(code: code, config: config)
        for (i, ebn0) in [4.0, 5.0, 6.0].enumerated() {
            let r = engine.run(decoder: dec, channel: .awgn, parameter: ebn0, pointIndex: i)
            let ci = r.negLnBERInterval
            let se = (ci.upper - ci.lower) / (2 * Statistics.z95)
            XCTAssertEqual(
                r.negLnBER, published[i], accuracy: 4 * se + 0.05,
                "\(name) at \(ebn0) dB: \(r.negLnBER) ± \(se) vs published \(published[i])")
            print(
                String(
                    format: "%@ %.0f dB: -ln(BER) %.3f [%.3f, %.3f], published %.2f", name, ebn0, r.negLnBER, ci.lower,
                    ci.upper, published[i]))
        }
    }

    func testBP50ReproducesPaper() throws {
        try check(decoder: "bp50", published: [4.36, 5.55, 7.26], minErrors: 400, minFrames: 20_000)
    }

    func testBP5ReproducesPaper() throws {
        try check(decoder: "bp5", published: [4.08, 4.96, 6.07], minErrors: 400, minFrames: 20_000)
    }

    /// Min-sum is a different algorithm: at 50 iterations it must fall short of sum-product at 4 dB on this
    /// dense H, which the test can tell apart (so the baseline test above can fail).
    func testMinSumIsDistinguishableFromSumProduct() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        var config = MonteCarloConfig()
        config.minErrors = 400; config.minFrames = 20_000; config.maxFrames = 200_000
        let engine = MonteCarlo(code: code, config: config)
        let sp = try engine.awgnPoint("bp50", code: code, ebn0: 4)
        let ms = try engine.awgnPoint("ms50", code: code, ebn0: 4)
        XCTAssertLessThan(
            ms.negLnBERInterval.upper, sp.negLnBERInterval.lower, "min-sum \(ms.negLnBER) vs sum-product \(sp.negLnBER)"
        )
    }

    /// Layered BP on the LDPC(49,24) benchmark file (28 rows, 3 redundant): with the same 10 iterations it
    /// has a lower FER than flooding on the same frames (it converges in about half the iterations).
    func testLayeredScheduleConvergesFasterOnLDPC() throws {
        let path = TestResources.path("LDPC_N49_K24.alist")
        let code = try CodeFiles.readCode(path: path)
        let engine = MonteCarlo(code: code, config: MonteCarloConfig(frames: 40_000))
        let flooding = try engine.awgnPoint("bp10", code: code, ebn0: 3)
        let layered = try engine.awgnPoint("lbp10", code: code, ebn0: 3)
        XCTAssertLessThan(
            layered.ferInterval.upper, flooding.ferInterval.lower, "lbp10 \(layered.fer) vs bp10 \(flooding.fer)")
        let flooding50 = try engine.awgnPoint("bp50", code: code, ebn0: 3)
        XCTAssertLessThan(layered.fer, flooding50.fer * 1.5, "lbp10 is within reach of bp50")
        print("LDPC-49-24 @ 3 dB FER: bp10 \(flooding.fer), lbp10 \(layered.fer), bp50 \(flooding50.fer)")
    }
}

extension MonteCarlo {
    /// One AWGN point of the named decoder on `code`.
    fileprivate func awgnPoint(_ decoder: String, code: LinearCode, ebn0: Double) throws -> PointResult {
        run(decoder: try DecoderRegistry.make(decoder, code: code), channel: .awgn, parameter: ebn0, pointIndex: 0)
    }
}
