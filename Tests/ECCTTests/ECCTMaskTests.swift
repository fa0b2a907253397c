import Codes
import ECCT
import Neural
import TestSupport
import XCTest

/// The ECCT mask as an attention pattern (docs/DESIGN.md §3).
final class ECCTMaskTests: XCTestCase {
    /// Allowed-entry counts of docs/DESIGN.md §3 (file H as is).
    func testAllowedCountsMatchDesign() throws {
        let expected: [(String, Int, Int)] = [
            ("BCH_N31_K16.txt", 826, 2116), ("BCH_N63_K36.txt", 3930, 8100), ("BCH_N63_K45.txt", 4191, 6561),
            ("BCH_N63_K51.txt", 4143, 5625), ("CCSDS_N128_K64.alist", 4800, 36864), ("LDPC_N49_K24.alist", 1645, 5929),
            ("LDPC_N121_K80.alist", 5973, 27225), ("MACKAY_N96_K48.alist", 2160, 20736),
            ("POLAR_N64_K32.txt", 5280, 9216),
        ]
        for (file, allowed, total) in expected {
            let H = try CodeFiles.readParityCheck(path: TestResources.path(file))
            let pattern = ECCTMask.pattern(parityCheck: H)
            XCTAssertEqual(pattern.length * pattern.length, total, file)
            XCTAssertEqual(pattern.pairCount, allowed, file)
            // symmetric, checks only see themselves among checks
            let L = pattern.length, n = H.columns, mask = pattern.allowed
            for i in 0..<L { for j in 0..<L { XCTAssertEqual(mask[i * L + j], mask[j * L + i]) } }
            for i in n..<L { for j in n..<L where i != j { XCTAssertFalse(mask[i * L + j]) } }
        }
    }
}
