import Codes
import Foundation
import GF2
import TestSupport
import XCTest

/// Sizes are checked before anything is allocated from them; real-world files (CRLF, BOM) are read; junk is not.
final class LimitsAndFormatsTests: XCTestCase {
    func testHugeCatalogNamesFailBeforeAllocating() {
        assertError(try Catalog.code(named: "REP-10000000"), contains: ["REP-10000000", "exceeds the limit of 65536"])
        assertError(try Catalog.code(named: "SPC-1000000"), contains: ["SPC-1000000", "65536"])
        assertError(try Catalog.code(named: "REP-9223372036854775807"), contains: ["65536"])
        assertError(try Catalog.code(named: "REP-30000"), contains: ["H would be 29999 × 30000 bits", "2^28"])
        assertError(
            try Catalog.code(named: "HAMMING-65535-65519"), contains: ["G would be 65519 × 65535 bits", "512 MiB"])
        assertError(try Catalog.code(named: "RM-3-20"), contains: ["m ≤ 16"])
        XCTAssertEqual(try Catalog.code(named: "REP-4096").n, 4096, "within the limits")
    }

    func testHugeDenseRowFailsAtItsLine() {
        let row = Array(repeating: "1", count: 1 << 20).joined(separator: " ")
        assertError(
            try CodeFiles.parseDense(row + "\n", source: "big.txt"), contains: ["big.txt:1", "n = 1048576", "limit"])
        assertError(
            try CodeFiles.parseAlist("70000 3\n1 1\n", source: "big.alist"), contains: ["big.alist:1", "70000"])
    }

    func testWindowsLineEndsAndByteOrderMarkAreRead() throws {
        for file in ["BCH_N31_K16.txt", "LDPC_N49_K24.alist"] {
            let text = try String(contentsOfFile: TestResources.path(file), encoding: .utf8)
            let parse = { (t: String) throws -> BitMatrix in
                file.hasSuffix(".alist")
                    ? try CodeFiles.parseAlist(t, source: file) : try CodeFiles.parseDense(t, source: file)
            }
            let reference = try parse(text)
            let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
            XCTAssertTrue(
                crlf.split(separator: "\n").count <= 1, "Swift does not split \\r\\n on \\n: the case is real")
            XCTAssertEqual(try parse(crlf), reference, "\(file) with CRLF")
            XCTAssertEqual(try parse("\u{FEFF}" + crlf), reference, "\(file) with a BOM")
            XCTAssertEqual(try parse(text.replacingOccurrences(of: "\n", with: "\r")), reference, "\(file) with CR")
        }
    }

    func testTrailingJunkIsRejectedWithItsLine() throws {
        let alist = try String(contentsOfFile: TestResources.path("LDPC_N49_K24.alist"), encoding: .utf8)
        let lines = alist.split(separator: "\n", omittingEmptySubsequences: false).count
        assertError(
            try CodeFiles.parseAlist(alist + "\n3 4\n", source: "j.alist"),
            contains: ["j.alist:\(lines + 1)", "after the 28 row lists"])
        let dense = try String(contentsOfFile: TestResources.path("BCH_N31_K16.txt"), encoding: .utf8)
        assertError(try CodeFiles.parseDense(dense + "\nend\n", source: "j.txt"), contains: ["j.txt:", "'e'"])
    }
}
