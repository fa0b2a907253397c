import Base
import Codes
import XCTest

@testable import Channels

final class ChannelTests: XCTestCase {
    func testSigmaFollowsDesignConvention() {
        // docs/DESIGN.md §2: R = 1/2 gives σ = 0.6310, 0.5623, 0.5012 at 4, 5, 6 dB
        XCTAssertEqual(awgnSigma(ebN0dB: 4, rate: 0.5), 0.6310, accuracy: 1e-4)
        XCTAssertEqual(awgnSigma(ebN0dB: 5, rate: 0.5), 0.5623, accuracy: 1e-4)
        XCTAssertEqual(awgnSigma(ebN0dB: 6, rate: 0.5), 0.5012, accuracy: 1e-4)
    }

    func transmit(_ model: ChannelModel, _ parameter: Double, bits: [UInt8]) -> [Float] {
        var rng = SeededRNG(seed: 2)
        var llr = [Float](repeating: 0, count: bits.count)
        let ch = Channel(model: model, parameter: parameter, rate: 0.5)
        bits.withUnsafeBufferPointer { b in llr.withUnsafeMutableBufferPointer { ch.transmit(b, into: $0, rng: &rng) } }
        return llr
    }

    func testAWGNLLRStatistics() {
        // LLR = 2y/σ² with y = ±1 + σz: mean ±2/σ², std 2/σ
        let N = 200_000
        let bits = (0..<N).map { UInt8($0 & 1) }
        let llr = transmit(.awgn, 2, bits: bits)
        let sigma = awgnSigma(ebN0dB: 2, rate: 0.5)
        var mean0 = 0.0, var0 = 0.0
        for i in stride(from: 0, to: N, by: 2) { mean0 += Double(llr[i]) }
        mean0 /= Double(N / 2)
        for i in stride(from: 0, to: N, by: 2) { var0 += pow(Double(llr[i]) - mean0, 2) }
        var0 /= Double(N / 2)
        let expectedStd = 2 / sigma
        XCTAssertEqual(mean0, 2 / (sigma * sigma), accuracy: 5 * expectedStd / Double(N / 2).squareRoot())
        XCTAssertEqual(var0.squareRoot(), expectedStd, accuracy: 5 * expectedStd / Double(N).squareRoot())
        let flips = (0..<N).filter { (llr[$0] < 0 ? 1 : 0) != bits[$0] }.count
        // P(flip) = Q(1/σ)
        let q = 0.5 * erfc(1 / sigma / 2.0.squareRoot())
        XCTAssertEqual(Double(flips) / Double(N), q, accuracy: 5 * (q * (1 - q) / Double(N)).squareRoot())
    }

    func testBSCAndBEC() {
        let N = 100_000
        let bits = [UInt8](repeating: 0, count: N)
        let bsc = transmit(.bsc, 0.1, bits: bits)
        XCTAssertEqual(
            Double(bsc.filter { $0 < 0 }.count) / Double(N), 0.1, accuracy: 5 * (0.09 / Double(N)).squareRoot())
        XCTAssertEqual(bsc[0].magnitude, Float(log(0.9 / 0.1)), accuracy: 1e-5)
        let bec = transmit(.bec, 0.3, bits: bits)
        XCTAssertEqual(
            Double(bec.filter { $0 == 0 }.count) / Double(N), 0.3, accuracy: 5 * (0.21 / Double(N)).squareRoot())
        XCTAssertFalse(bec.contains { $0 < 0 }, "the BEC never flips")
        XCTAssertNotNil(ChannelModel.bsc.validate(0.7))
        XCTAssertNotNil(ChannelModel.awgn.validate(.nan))
        XCTAssertNil(ChannelModel.bec.validate(0))
    }

    func testWilsonInterval() {
        // Reference values (Wilson 1927), 95%: 10/100 → [0.0552, 0.1744]
        let w = Statistics.wilson(errors: 10, trials: 100)
        XCTAssertEqual(w.lower, 0.0552, accuracy: 1e-4)
        XCTAssertEqual(w.upper, 0.1744, accuracy: 1e-4)
        XCTAssertEqual(Statistics.wilson(errors: 0, trials: 1000).lower, 0, accuracy: 1e-12)
    }
}
