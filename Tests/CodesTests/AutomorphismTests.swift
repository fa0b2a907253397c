import Channels
import Codes
import Foundation
import GF2
import TestSupport
import XCTest

/// Automorphism groups (every permutation maps codewords to codewords) and the test-time ensemble decoder.
final class AutomorphismTests: XCTestCase {
    func testGroupsAreAutomorphisms() throws {
        let bch = try Catalog.code(named: "BCH-63-45")
        let group = try Automorphisms.group(for: bch)
        XCTAssertEqual(group.count, 6 * 63, "cyclic shifts × Frobenius maps")
        XCTAssertEqual(group[0], Array(0..<63), "identity first")
        XCTAssertEqual(Set(group).count, group.count)
        for π in group.prefix(40) { XCTAssertTrue(Automorphisms.preservesCode(π, code: bch)) }
        // the benchmark file spans the same code, so the same group applies to it
        let file = try CodeFiles.readCode(path: TestResources.path("BCH_N63_K45.txt"))
        XCTAssertEqual(try Automorphisms.group(for: file).count, 378)
        let ccsds = try Automorphisms.group(for: try Catalog.code(named: "CCSDS-128-64"))
        XCTAssertEqual(ccsds.count, 16, "shifts within the 16 × 16 circulants")
        // a transposition is not an automorphism of BCH-63-45
        var swap = Array(0..<63); swap.swapAt(0, 1)
        XCTAssertFalse(Automorphisms.preservesCode(swap, code: bch))
        XCTAssertThrowsError(try Automorphisms.group(for: try Catalog.code(named: "POLAR-64-32").standardized()))
    }

    /// Polar and Reed–Muller codes: translations j ↦ j ⊕ b and the elementary lower-triangular affine maps; a
    /// polar code keeps those its frozen set allows, Reed–Muller codes all of them.
    func testAffineGroupOfLengthPowerOfTwoCodes() throws {
        let polar = try Catalog.code(named: "POLAR-64-32")
        let group = try Automorphisms.group(for: polar)
        XCTAssertEqual(group[0], Array(0..<64), "identity first")
        XCTAssertGreaterThanOrEqual(group.count, 64, "at least the 64 translations")
        XCTAssertEqual(group.count % 64, 0)
        XCTAssertEqual(Set(group).count, group.count)
        for π in group { XCTAssertTrue(Automorphisms.preservesCode(π, code: polar)) }
        let rm = try Automorphisms.group(for: try Catalog.code(named: "RM-2-5"))
        XCTAssertEqual(rm.count, 32 * (1 + 10), "RM(2,5): every elementary lower-triangular map, times 32 translations")
        // a translation is not an automorphism of the standard-form polar code (its columns are permuted)
        XCTAssertFalse(Automorphisms.preservesCode((0..<64).map { $0 ^ 1 }, code: try polar.standardized()))
    }

    func testPermutationFilesAreChecked() throws {
        let code = try Catalog.code(named: "BCH-7-4")  // the cyclic Hamming code
        let path = TemporaryFolder.path("perms.txt")
        let shift = (0..<7).map { String(($0 + 1) % 7) }.joined(separator: " ")
        try (shift + "\r\n0 1 2 3 4 5 6\n").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Automorphisms.read(path: path, code: code).count, 2)
        try (shift + "\n1 0 2 3 4 5 6\n").write(toFile: path, atomically: true, encoding: .utf8)
        assertError(
            try Automorphisms.read(path: path, code: code), contains: ["perms.txt:2", "not an automorphism of BCH-7-4"])
        try "0 1 2\n".write(toFile: path, atomically: true, encoding: .utf8)
        assertError(try Automorphisms.read(path: path, code: code), contains: ["perms.txt:1", "7 integer positions"])
    }

    /// On the same frames, an ensemble of bp5 over 8 automorphisms has far fewer frame errors than bp5 alone, and an
    /// ensemble of the identity alone decides as the base decoder.
    func testEnsembleDecoding() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        var config = MonteCarloConfig(frames: 2048)
        config.threads = 2
        let engine = MonteCarlo(code: code, config: config)
        let base = try DecoderRegistry.make("bp5", code: code)
        let group = try Automorphisms.group(for: code)
        let tta = AutomorphismEnsembleDecoder(
            base: base, code: code, permutations: AutomorphismEnsembleDecoder.spread(group, count: 8),
            name: "bp5+tta8")
        let plain = engine.run(decoder: base, channel: .awgn, parameter: 4, pointIndex: 0)
        let ensemble = engine.run(decoder: tta, channel: .awgn, parameter: 4, pointIndex: 0)
        XCTAssertLessThan(
            Double(ensemble.frameErrors), 0.7 * Double(plain.frameErrors),
            "bp5 \(plain.frameErrors), bp5+tta8 \(ensemble.frameErrors) of 2048")
        let identity = AutomorphismEnsembleDecoder(base: base, code: code, permutations: [Array(0..<63)], name: "id")
        XCTAssertEqual(
            engine.run(decoder: identity, channel: .awgn, parameter: 4, pointIndex: 0).frameErrors, plain.frameErrors)
    }
}
