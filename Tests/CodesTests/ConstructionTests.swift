import GF2
import TestSupport
import XCTest

@testable import Codes

final class ConstructionTests: XCTestCase {
    func checkCode(_ code: LinearCode, n: Int, k: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(code.n, n, file: file, line: line)
        XCTAssertEqual(code.k, k, file: file, line: line)
        XCTAssertTrue((code.G * code.H.transposed).isZero, "G·Hᵀ = 0", file: file, line: line)
        XCTAssertEqual(code.G.rank, k, file: file, line: line)
        XCTAssertEqual(code.H.rank, n - k, file: file, line: line)
    }

    func minimumDistance(_ code: LinearCode) -> Int {
        precondition(code.k <= 20)
        var best = code.n
        for u in 1..<(1 << code.k) {
            let c = code.encode(BitVector(bits: (0..<code.k).map { UInt8((u >> $0) & 1) }))
            best = min(best, c.weight)
        }
        return best
    }

    func testBCHSpansReferenceRowSpaces() throws {
        for (n, k) in [(31, 16), (63, 36), (63, 45), (63, 51)] {
            let code = try Catalog.code(named: "BCH-\(n)-\(k)")
            checkCode(code, n: n, k: k)
            let ref = try Reference.H("BCH_N\(n)_K\(k).txt")
            XCTAssertTrue(code.H.spansSameRowSpace(as: ref), "BCH-\(n)-\(k) row space differs from the reference file")
            XCTAssertEqual(ref.rows, n - k)
        }
    }

    func testBCHDistanceAndDimensions() throws {
        let bch = try Catalog.code(named: "bch-15-7")
        checkCode(bch, n: 15, k: 7)
        XCTAssertEqual(minimumDistance(bch), 5)
        XCTAssertEqual(BCHConstruction.availableDimensions(m: 6).map(\.k), [57, 51, 45, 39, 36, 30, 24, 18, 16, 10, 7])
        XCTAssertThrowsError(try Catalog.code(named: "BCH-63-44")) {
            XCTAssertTrue("\($0)".contains("available k: 57, 51, 45"), "\($0)")
        }
        XCTAssertThrowsError(try Catalog.code(named: "BCH-64-45"))
    }

    func testSmallFamilies() throws {
        let h = try Catalog.code(named: "HAMMING-7-4"); checkCode(h, n: 7, k: 4); XCTAssertEqual(minimumDistance(h), 3)
        let h15 = try Catalog.code(named: "hamming-15-11"); checkCode(h15, n: 15, k: 11)
        let g23 = try Catalog.code(named: "GOLAY-23-12"); checkCode(g23, n: 23, k: 12);
        XCTAssertEqual(minimumDistance(g23), 7)
        let g24 = try Catalog.code(named: "GOLAY-24-12"); checkCode(g24, n: 24, k: 12);
        XCTAssertEqual(minimumDistance(g24), 8)
        let rm = try Catalog.code(named: "RM-1-5"); checkCode(rm, n: 32, k: 6); XCTAssertEqual(minimumDistance(rm), 16)
        let rm2 = try Catalog.code(named: "RM-16-11"); checkCode(rm2, n: 16, k: 11);
        XCTAssertEqual(minimumDistance(rm2), 4)
        let rep = try Catalog.code(named: "REP-5"); checkCode(rep, n: 5, k: 1); XCTAssertEqual(minimumDistance(rep), 5)
        let spc = try Catalog.code(named: "SPC-8"); checkCode(spc, n: 8, k: 7); XCTAssertEqual(minimumDistance(spc), 2)
        XCTAssertThrowsError(try Catalog.code(named: "HAMMING-7-3"))
        XCTAssertThrowsError(try Catalog.code(named: "RM-5-3"))
    }

    func testCCSDSMatchesReferenceAlist() throws {
        let code = try Catalog.code(named: "CCSDS-128-64")
        checkCode(code, n: 128, k: 64)
        XCTAssertEqual(
            code.H, try Reference.H("CCSDS_N128_K64.alist"), "CCSDS H must equal the reference alist entry for entry")
    }

    /// The benchmark polar files are the Bhattacharyya construction at design Es/N0 = 4 dB with bit-reversed
    /// channel indices; the natural-order construction at the same design point gives different codes.
    func testPolarMatchesReferenceFiles() throws {
        for (n, k) in [(64, 32), (64, 48), (128, 64), (128, 86), (128, 96)] {
            let ref = try Reference.code("POLAR_N\(n)_K\(k).txt")
            guard case .polar(let refFrozen) = ref.structure else {
                return XCTFail("POLAR_N\(n)_K\(k) not detected as polar")
            }
            XCTAssertEqual(refFrozen.filter { !$0 }.count, k)
            let built = try Catalog.code(named: "POLAR-\(n)-\(k)")
            checkCode(built, n: n, k: k)
            XCTAssertTrue(built.H.spansSameRowSpace(as: ref.H), "POLAR-\(n)-\(k) differs from the reference file")
            XCTAssertEqual(built.structure, .polar(frozen: refFrozen))
            let natural = PolarConstruction.frozenSet(n: n, k: k, designEsN0: 4, order: .natural)
            XCTAssertNotEqual(natural, refFrozen, "natural-order construction is a different code")
        }
    }

    func testPolarKernelIsInvolution() {
        let T = PolarConstruction.kernelPower(n: 32)
        XCTAssertEqual(T * T, .identity(32))
    }

    func testCatalogErrorsNameClosestCodes() {
        XCTAssertThrowsError(try Catalog.code(named: "BHC-63-45")) {
            XCTAssertTrue("\($0)".contains("BCH-63-45"), "\($0)")
        }
        XCTAssertThrowsError(try Catalog.code(named: "polr-64-32")) {
            XCTAssertTrue("\($0)".contains("POLAR-64-32"), "\($0)")
        }
        XCTAssertThrowsError(try Catalog.code(named: "LDPC-49-24")) {
            XCTAssertTrue("\($0)".contains("path/to/H.alist"), "\($0)")
        }
        for name in Catalog.examples { XCTAssertNoThrow(try Catalog.code(named: name), name) }
    }
}
