import Codes
import Foundation
import Neural
import XCTest

@testable import LearnedCodes

/// The shipped learned code: the catalog's LEARNED-31-16 is exactly the code of the shipped checkpoint's Ω, its
/// distance is the recorded one, and its joint decoder decodes it as recorded.
final class ShippedLearnedCodeTests: XCTestCase {
    func testCatalogCodeIsTheShippedModelsCode() throws {
        let code = try Catalog.code(named: "learned-31-16")
        XCTAssertEqual([code.n, code.k], [31, 16])
        let shipped = ShippedLearnedCodes.models(for: code)
        XCTAssertEqual(shipped.map { "\($0.code) N\($0.layers) d\($0.width)" }, ["LEARNED-31-16 N2 d32"])
        XCTAssertEqual(try ShippedLearnedCodes.code(named: "LEARNED-31-16")?.H, code.H)
        // another code has no shipped joint decoder
        XCTAssertTrue(ShippedLearnedCodes.models(for: try Catalog.code(named: "BCH-31-16")).isEmpty)
        let distribution = try WeightDistribution(code: code)
        XCTAssertEqual(distribution.minimumDistance, 3)
        XCTAssertEqual(distribution.minimumWeightCount, 2)
    }

    /// −ln(BER) of the joint decoder at 4 dB on 16,384 words (seeded): the 1e5-word evaluation measured 5.05 (see
    /// Models/README.md); the tolerance 0.15 is about four standard errors (≈ 3,300 bit errors in ≈ 1,000 frames).
    func testJointDecoderDecodesAsRecorded() throws {
        let entry = try XCTUnwrap(ShippedLearnedCodes.all.first)
        let model = try LearnedCodeModel.load(weightsAt: entry.path)
        let ber = LearnedCodeEvaluation.bitErrorRate(model: model, ebN0: 4, words: 16_384, seed: 11)
        XCTAssertEqual(-log(ber), 5.05, accuracy: 0.15)
    }
}
