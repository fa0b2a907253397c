import Codes
import GF2
import XCTest

/// Exact weight distributions: known codes, the total 2^k, the MacWilliams path against direct enumeration, and the
/// limits.
final class WeightDistributionTests: XCTestCase {
    func testKnownDistributions() throws {
        let golay = try WeightDistribution(code: SmallCodes.golay24())
        XCTAssertEqual(
            golay.counts.enumerated().filter { $0.element > 0 }.map { [$0.offset, $0.element] },
            [[0, 1], [8, 759], [12, 2576], [16, 759], [24, 1]])
        let hamming = try WeightDistribution(code: try SmallCodes.hamming(r: 3))
        XCTAssertEqual(hamming.counts, [1, 0, 0, 7, 7, 0, 0, 1])
        let bch = try WeightDistribution(code: try Catalog.code(named: "BCH-31-16"))
        XCTAssertEqual(bch.minimumDistance, 7)
        XCTAssertEqual(bch.minimumWeightCount, 155)
        XCTAssertEqual(bch.counts.reduce(0, +), 1 << 16)
    }

    func testThreadCountDoesNotChangeTheCounts() throws {
        let code = try Catalog.code(named: "BCH-31-21")
        XCTAssertEqual(
            try WeightDistribution(generator: code.G, threads: 1), try WeightDistribution(generator: code.G, threads: 5)
        )
    }

    func testMacWilliamsMatchesDirectEnumeration() throws {
        for name in ["BCH-31-16", "BCH-31-21", "GOLAY-23-12", "RM-2-5"] {
            let code = try Catalog.code(named: name)
            let direct = try WeightDistribution(generator: code.G)
            let dual = try WeightDistribution(generator: code.H.rowBasis)
            let viaDual = WeightDistribution(
                counts: WeightDistribution.macWilliamsForTests(
                    dual: dual.counts,
                    dualDimension: code.H.rowBasis.rows))
            XCTAssertEqual(direct, viaDual, name)
        }
        // BCH-63-45 (k = 45) goes through its dual: d = 7, and the counts add up to 2^45
        let big = try WeightDistribution(code: try Catalog.code(named: "BCH-63-45"))
        XCTAssertEqual(big.minimumDistance, 7)
        XCTAssertEqual(big.counts.reduce(0, +), 1 << 45)
    }

    func testTooLargeThrowsNamingTheSizes() throws {
        let code = try Catalog.code(named: "BCH-63-36")
        XCTAssertThrowsError(try WeightDistribution(code: code)) { error in
            XCTAssertTrue("\(error)".contains("k = 36") && "\(error)".contains("n − k = 27"), "\(error)")
        }
    }
}
