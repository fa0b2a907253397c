import Codes
import ECCT
import Foundation
import Neural
import TestSupport
import XCTest

/// HPSA head partition over the ECCT mask (docs/DESIGN.md §6).
final class HPSAMaskTests: XCTestCase {
    func testRingsPartitionTheECCTPairs() throws {
        let code = try CodeFiles.readCode(path: TestResources.path("BCH_N63_K45.txt"))
        let n = code.n, pattern = ECCTMask.pattern(parityCheck: code.H)
        let mask = try HPSAMask.headMask(pattern: pattern, bits: n)
        XCTAssertEqual(mask.count, pattern.pairCount * 8)
        for i in 0..<pattern.length {
            var firstRingKeys: [Int] = [], secondRingKeys: [Int] = []
            for t in pattern.rowStart[i]..<pattern.rowStart[i + 1] {
                let flags = Array(mask[(t * 8)..<(t * 8 + 8)])
                XCTAssertEqual(flags.reduce(0, +), 4, "each pair is in one ring of four heads")
                XCTAssertEqual(flags[0], flags[3]); XCTAssertEqual(flags[4], flags[7]);
                XCTAssertNotEqual(flags[0], flags[4])
                if flags[0] == 1 {
                    firstRingKeys.append(pattern.keys[t])
                } else {
                    secondRingKeys.append(pattern.keys[t])
                }
            }
            if i < n {
                // a bit: first ring = the checks containing it, second ring = its bit neighbours and itself
                let checks = (0..<code.m).filter { code.H[$0, i] }.map { n + $0 }
                XCTAssertEqual(firstRingKeys, checks, "bit \(i)")
                XCTAssertTrue(secondRingKeys.contains(i) && secondRingKeys.allSatisfy { $0 < n }, "bit \(i)")
            } else {
                XCTAssertEqual(firstRingKeys, code.H.row(i - n).support, "check \(i - n): its bits")
                XCTAssertEqual(secondRingKeys, [i], "check \(i - n): itself")
            }
        }
        XCTAssertThrowsError(try HPSAMask.headMask(pattern: pattern, bits: n, heads: 8, firstRingHeads: 8))
        XCTAssertThrowsError(
            try HPSAMask.headMask(pattern: .full(4), bits: 2), "check–check pairs are not an ECCT mask")
    }
}
