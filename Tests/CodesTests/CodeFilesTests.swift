import GF2
import TestSupport
import XCTest

@testable import Codes

final class CodeFilesTests: XCTestCase {
    func testReadsEveryReferenceFileWithExpectedShape() throws {
        let expected: [(String, Int, Int, Int)] = [  // file, n, m, k
            ("BCH_N31_K16.txt", 31, 15, 16), ("BCH_N63_K36.txt", 63, 27, 36), ("BCH_N63_K45.txt", 63, 18, 45),
            ("BCH_N63_K51.txt", 63, 12, 51), ("CCSDS_N128_K64.alist", 128, 64, 64), ("LDPC_N49_K24.alist", 49, 28, 24),
            ("LDPC_N121_K60.alist", 121, 66, 60), ("LDPC_N121_K70.alist", 121, 55, 70),
            ("LDPC_N121_K80.alist", 121, 44, 80),
            ("MACKAY_N96_K48.alist", 96, 48, 48), ("POLAR_N64_K32.txt", 64, 32, 32),
            ("POLAR_N128_K96.txt", 128, 32, 96),
        ]
        for (file, n, m, k) in expected {
            let code = try Reference.code(file)
            XCTAssertEqual(code.n, n, file); XCTAssertEqual(code.m, m, file); XCTAssertEqual(code.k, k, file)
            XCTAssertTrue((code.G * code.H.transposed).isZero, file)
        }
        XCTAssertEqual(try Reference.H("LDPC_N49_K24.alist").rank, 25, "LDPC(49,24): 28 rows of rank 25")
    }

    func testRoundTripsAlistAndText() throws {
        for file in ["LDPC_N49_K24.alist", "BCH_N63_K45.txt", "MACKAY_N96_K48.alist"] {
            let H = try Reference.H(file)
            XCTAssertEqual(try CodeFiles.parseAlist(CodeFiles.alistText(H)), H, file)
            XCTAssertEqual(try CodeFiles.parseDense(CodeFiles.denseText(H)), H, file)
        }
        // trailing spaces, blank lines and a missing final newline
        XCTAssertEqual(try CodeFiles.parseDense("1 0 1 \n\n0 1 1"), BitMatrix(rows: [[1, 0, 1], [0, 1, 1]]))
        XCTAssertEqual(try CodeFiles.parseDense("101\n011\n"), BitMatrix(rows: [[1, 0, 1], [0, 1, 1]]))
    }

    func testMalformedDenseText() {
        assertError(try CodeFiles.parseDense("1 0 1\n1 2 0\n", source: "h.txt"), contains: ["h.txt:2", "'2'"])
        assertError(
            try CodeFiles.parseDense("1 0 1\n1 0\n", source: "h.txt"),
            contains: ["h.txt:2", "2 entries", "line 1 has 3"])
        assertError(try CodeFiles.parseDense("\n  \n", source: "h.txt"), contains: ["h.txt", "empty"])
        assertError(try CodeFiles.parseDense("1 x 0", source: "h.txt"), contains: ["h.txt:1", "'x'"])
    }

    func testMalformedAlist() {
        let good = "3 2\n2 2\n1 1 2\n2 2\n1 0\n2 0\n1 2\n1 3\n2 3\n"
        XCTAssertEqual(try CodeFiles.parseAlist(good), BitMatrix(rows: [[1, 0, 1], [0, 1, 1]]))
        assertError(try CodeFiles.parseAlist("", source: "a.alist"), contains: ["a.alist", "empty"])
        assertError(try CodeFiles.parseAlist("3\n", source: "a.alist"), contains: ["a.alist:1", "expected 2"])
        assertError(
            try CodeFiles.parseAlist("3 2\n2 2\n1 1\n", source: "a.alist"), contains: ["a.alist:3", "expected 3"])
        assertError(
            try CodeFiles.parseAlist(good.replacingOccurrences(of: "1 0\n2 0", with: "1 0\n5 0"), source: "a.alist"),
            contains: ["a.alist:6", "out of range"])
        assertError(
            try CodeFiles.parseAlist(
                good.replacingOccurrences(of: "3 2\n2 2\n1 1 2", with: "3 2\n2 2\n1 2 2"), source: "a.alist"),
            contains: ["a.alist:6", "column 2 lists 1 rows but its weight is 2"])
        assertError(
            try CodeFiles.parseAlist(
                good.replacingOccurrences(of: "1 2\n1 3\n2 3", with: "1 2\n1 3\n2 1"), source: "a.alist"),
            contains: ["a.alist:9", "disagrees"])
        assertError(
            try CodeFiles.parseAlist(good.replacingOccurrences(of: "1 2\n1 3", with: "1 -2\n1 3"), source: "a.alist"),
            contains: ["a.alist:7", "'-2'"])
        assertError(
            try CodeFiles.parseAlist("3 2\n2 2\n1 1 2\n2 2\n1 0\n", source: "a.alist"),
            contains: ["a.alist", "ends before"])
    }

    func testMissingFileAndUnknownName() {
        assertError(
            try CodeFiles.readParityCheck(path: "/nonexistent/H.alist"),
            contains: ["/nonexistent/H.alist", "cannot read"])
        assertError(try Catalog.code(named: "/nonexistent/H.txt"), contains: ["/nonexistent/H.txt"])
    }
}

/// Which code a matrix is: the fingerprint of H exactly, of its row space, and H as metadata text.
final class CodeFingerprintTests: XCTestCase {
    func testRowSpaceFingerprintAndParityCheckText() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        var H = code.H
        H.xorRow(1, into: 0)  // another H of the same code
        let combined = LinearCode(name: "x", parityCheck: H)
        XCTAssertNotEqual(combined.parityCheckFingerprint, code.parityCheckFingerprint)
        XCTAssertEqual(combined.codeFingerprint, code.codeFingerprint)
        XCTAssertEqual(try code.standardized().codeFingerprint, code.codeFingerprint)
        XCTAssertNotEqual(try Catalog.code(named: "BCH-63-36").codeFingerprint, code.codeFingerprint)
        for c in [code, try Catalog.code(named: "HAMMING-7-4"), try Catalog.code(named: "POLAR-64-32")] {
            let back = try LinearCode.fromParityCheckText(c.parityCheckText, name: c.name, source: "t")
            XCTAssertEqual(back.H, c.H, c.name)
        }
        for (text, expected) in [
            ("3x7", "no 'm×n:' prefix"), ("3x7:1", "is not m×n"), ("2×7:0e,1", "row 1 has 1 digits"), ("1×7:g0", "'g'"),
            ("1×7:0f", "past n = 7"), ("2×7:00", "1 rows"),
        ] {
            XCTAssertThrowsError(try LinearCode.fromParityCheckText(text, name: "x", source: "file.safetensors")) {
                XCTAssertTrue("\($0)".contains("file.safetensors") && "\($0)".contains(expected), "\(text): \($0)")
            }
        }
    }
}
