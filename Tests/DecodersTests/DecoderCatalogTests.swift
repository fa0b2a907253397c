import Base
import Channels
import Codes
import Decoders
import ECCT
import Foundation
import Neural
import QECC
import TestSupport
import XCTest

/// The library's decoder catalog: every name the command accepts, the default sets, models keyed by the code.
final class DecoderCatalogTests: XCTestCase {
    func testEveryNameResolves() throws {
        let bch = try Catalog.code(named: "BCH-63-45"), polar = try Catalog.code(named: "POLAR-64-32")
        let learned = try Catalog.code(named: "LEARNED-31-16")
        let file = PretrainedModels.all.first { $0.code == "BCH-63-45-STD" && $0.architecture == "ecct" }?.path
        for name in [
            "bp5", "ms10", "nms10", "oms10", "lbp5", "osd0", "osd2", "bm", "ecct", "ecct-N2-d32", "aecct",
            "aecct-N2-d32", "bp5+tta4", "ecct+tta2",
        ] {
            XCTAssertNoThrow(try DecoderCatalog.make(name, code: bch), name)
        }
        for name in ["sc", "scl8", "ecct"] { XCTAssertNoThrow(try DecoderCatalog.make(name, code: polar), name) }
        XCTAssertNoThrow(try DecoderCatalog.make("dc-ecct", code: learned))
        if let file { XCTAssertNoThrow(try DecoderCatalog.make("ecct:\(file)", code: bch)) }
        XCTAssertThrowsError(try DecoderCatalog.make("bq50", code: bch)) {
            XCTAssertTrue("\($0)".contains("unknown decoder 'bq50'") && "\($0)".contains("dc-ecct"), "\($0)")
        }
        XCTAssertThrowsError(try DecoderCatalog.make("ecct-N6-d128", code: bch)) {
            XCTAssertTrue("\($0)".contains("shipped: ecct-N2-d32"), "\($0)")
        }
        XCTAssertThrowsError(try DecoderCatalog.make("ecct", code: try Catalog.code(named: "HAMMING-7-4"))) {
            XCTAssertTrue("\($0)".contains("no shipped ECCT model for HAMMING-7-4"), "\($0)")
        }
    }

    func testDefaultSets() throws {
        XCTAssertEqual(
            DecoderCatalog.defaults(for: try Catalog.code(named: "BCH-63-45")),
            ["bp5", "bp50", "osd2", "bm", "ecct", "ecct+osd1", "aecct"])
        XCTAssertEqual(
            DecoderCatalog.defaults(for: try Catalog.code(named: "BCH-63-45").standardized()),
            ["bp5", "bp50", "osd2", "bm", "ecct", "ecct+osd1", "aecct"], "the same code in another H")
        XCTAssertEqual(DecoderCatalog.defaults(for: try Catalog.code(named: "HAMMING-7-4")), ["bp5", "bp50", "osd2"])
        XCTAssertEqual(
            DecoderCatalog.defaults(for: try Catalog.code(named: "LEARNED-31-16")), ["bp5", "bp50", "osd2", "dc-ecct"])
        let toric = try DecodingProblem(code: try CSSCode.toric(4), noise: .depolarizing)
        XCTAssertEqual(DecoderCatalog.quantumDefaults(for: toric), ["mwpm", "uf", "neural"])
        XCTAssertNoThrow(try DecoderCatalog.quantum("uf", problem: toric, p: 0.05))
    }

    /// Shipped models trained on non-zero syndromes only (the AECCTs' recipe, `--reject-zero-syndrome`) pass codewords
    /// through; the ECCTs, trained on every word as the reference, run the network on every word.
    func testModelsTrainedOnNonzeroSyndromesGateCodewords() throws {
        let bch = try Catalog.code(named: "BCH-63-45")
        let aecct = try XCTUnwrap(try DecoderCatalog.make("aecct", code: bch) as? ECCTDecoder)
        XCTAssertNotNil(aecct.codewordGate)
        let ecct = try XCTUnwrap(try DecoderCatalog.make("ecct", code: bch) as? ECCTDecoder)
        XCTAssertNil(ecct.codewordGate)
    }

    /// `ecct` for BCH-63-45 is the model trained on the standard-form H (the better one by its validation), running with
    /// its own H; a model used on another H of its code decides exactly as on its own H.
    func testModelsAreKeyedByTheCode() throws {
        let code = try Catalog.code(named: "BCH-63-45"), standard = try code.standardized()
        XCTAssertNotEqual(code.parityCheckFingerprint, standard.parityCheckFingerprint)
        XCTAssertEqual(code.codeFingerprint, standard.codeFingerprint)
        let best = try XCTUnwrap(PretrainedModels.applicable(to: code).first)
        XCTAssertEqual(best.entry.code, "BCH-63-45-STD")
        XCTAssertEqual(best.decodingCode.parityCheckFingerprint, standard.parityCheckFingerprint)
        XCTAssertEqual(PretrainedModels.applicable(to: code).count, 2)

        var rng = SeededRNG(seed: 5)
        let frames = 256
        let y = ECCTData.channelOutputs(code: code, count: frames, ebN0: [4], rng: &rng)
        func decisions(_ name: String, _ c: LinearCode) throws -> [UInt8] {
            let decoder = try DecoderCatalog.make(name, code: c)
            var bits = [UInt8](repeating: 0, count: y.count)
            y.withUnsafeBufferPointer { l in
                bits.withUnsafeMutableBufferPointer { decoder.decode(llr: l, count: frames, into: $0) }
            }
            return bits
        }
        XCTAssertEqual(try decisions("ecct", code), try decisions("ecct", standard), "the same model either way")
        let raw = try XCTUnwrap(PretrainedModels.models(for: code).first).path
        XCTAssertEqual(
            try decisions("ecct:\(raw)", standard), try decisions("ecct:\(raw)", code),
            "the raw-H model computes its syndrome with its own H under --standardize")
        XCTAssertThrowsError(try DecoderCatalog.make("ecct:\(raw)", code: try Catalog.code(named: "BCH-63-36"))) {
            XCTAssertTrue("\($0)".contains("another code than BCH-63-36"), "\($0)")
        }
    }
}
