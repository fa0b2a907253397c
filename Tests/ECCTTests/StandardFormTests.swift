import Codes
import ECCT
import GF2
import Neural
import TestSupport
import XCTest

/// `--standardize` (docs/DESIGN.md §2): H brought to [I | P] exactly as the reference codes do, G = [Pᵀ | I], and the
/// ECCT mask of the new H. The expected counts and weights were computed with the reference's `get_standard_form`
/// (yoniLc/ECCT Codes.py) on the benchmark files.
final class StandardFormTests: XCTestCase {
    func testBenchmarkFilesMatchTheReferenceStandardForm() throws {
        // file: (mask pairs, entries of H in standard form, columns moved)
        let expected: [(String, Int, Int, Bool)] = [
            ("BCH_N31_K16.txt", 816, 140, false), ("BCH_N63_K36.txt", 3384, 522, false),
            ("BCH_N63_K45.txt", 3483, 368, false),
            ("BCH_N63_K51.txt", 3929, 340, false), ("POLAR_N64_K32.txt", 2314, 344, true),
            ("POLAR_N64_K48.txt", 2884, 268, true),
            ("POLAR_N128_K64.txt", 8060, 1072, true), ("POLAR_N128_K86.txt", 10854, 952, true),
            ("POLAR_N128_K96.txt", 11264, 832, true),
        ]
        for (file, pairs, weight, moved) in expected {
            let original = try CodeFiles.readCode(path: TestResources.path(file))
            let code = try original.standardized()
            let m = code.m, n = code.n
            XCTAssertTrue(code.isStandardForm, file)
            XCTAssertEqual(ECCTMask.pattern(parityCheck: code.H).pairCount, pairs, file)
            XCTAssertEqual((0..<m).reduce(0) { $0 + code.H.rowWeight($1) }, weight, file)
            XCTAssertEqual(code.columnPermutation != nil, moved, file)
            for i in 0..<m { for j in 0..<m { XCTAssertEqual(code.H[i, j], i == j, "\(file): H = [I | P]") } }
            for i in 0..<code.k { XCTAssertTrue(code.isCodeword(code.G.row(i)), "\(file): G·Hᵀ = 0") }
            XCTAssertEqual(code.G.rank, code.k)
            // the same code, up to the column permutation
            let perm = code.columnPermutation ?? Array(0..<n)
            XCTAssertTrue(
                original.G.permutingColumns(perm).spansSameRowSpace(as: code.G), "\(file): an equivalent code")
        }
        XCTAssertEqual(
            ECCTMask.pattern(parityCheck: try Catalog.code(named: "BCH-63-45").H).pairCount, 4191, "as given: 63.9%")
    }

    func testStructureIsKeptOnlyWhenNoColumnMoves() throws {
        let bch = try Catalog.code(named: "BCH-63-45").standardized()
        guard case .bch = bch.structure else { return XCTFail("BCH keeps its structure: no column moves") }
        XCTAssertEqual(try Catalog.code(named: "POLAR-64-32").standardized().structure, .none)
        XCTAssertThrowsError(try CodeFiles.readCode(path: TestResources.path("LDPC_N49_K24.alist")).standardized()) {
            XCTAssertTrue("\($0)".contains("full-rank H"), "\($0)")
        }
    }
}
