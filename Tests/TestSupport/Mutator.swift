import Foundation
import XCTest

/// Seeded byte-level mutations for fuzz tests: flip, insert, delete, duplicate, truncate, swap, and digit or
/// punctuation replacements (the edits that turn a valid text or binary file into a nearly valid one).
public struct Mutator {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// One to three mutations of `bytes`.
    public mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        let interesting: [UInt8] = Array("0123456789 -.,:\n\r\t{}[]\"eE".utf8) + [0, 0xFF, 0x7F, 0x80]
        for _ in 0...below(3) {
            let i = below(b.count + 1)
            switch below(8) {
            case 0 where !b.isEmpty: b[min(i, b.count - 1)] ^= UInt8(1 << below(8))
            case 1: b.insert(interesting[below(interesting.count)], at: i)
            case 2 where !b.isEmpty: b.removeSubrange(min(i, b.count - 1)..<min(b.count, i + 1 + below(16)))
            case 3 where !b.isEmpty:
                let start = min(i, b.count - 1), piece = Array(b[start..<min(b.count, start + 1 + below(64))])
                b.insert(contentsOf: piece, at: start)
            case 4: b = Array(b.prefix(i))
            case 5 where b.count > 1: b.swapAt(below(b.count), below(b.count))
            case 6 where !b.isEmpty: b[min(i, b.count - 1)] = interesting[below(interesting.count)]
            default: b.append(contentsOf: Array("\n1 0 1\n".utf8))
            }
        }
        return b
    }
}

extension Mutator {
    /// A field of a fuzz case: one of `hostile` one time in `oneIn`, else one of `ordinary`.
    public mutating func pick<T>(_ ordinary: [T], _ hostile: [T], oneIn: Int = 3) -> T {
        below(oneIn) == 0 ? hostile[below(hostile.count)] : ordinary[below(ordinary.count)]
    }
}

/// Counts of a fuzz run: cases refused with an accepted error (one with a message) and cases that went through.
public struct FuzzTally {
    public var refused = 0, passed = 0
    public init() {}

    /// Runs `cases` seeded cases: `make` draws case i's fields from the mutator and returns its label and body.
    public static func run(
        seed: UInt64, cases: Int, accepted: (any Error) -> Bool, file: StaticString = #filePath, line: UInt = #line,
        _ make: (inout Mutator, Int) -> (label: String, body: () throws -> Void)
    ) -> FuzzTally {
        var mutator = Mutator(seed: seed), tally = FuzzTally()
        for index in 0..<cases {
            let (label, body) = make(&mutator, index)
            tally.record(label, accepted: accepted, file: file, line: line, body)
        }
        return tally
    }

    /// Asserts that the run exercised both outcomes, and prints its counts under `name`.
    public func expect(
        refusedMoreThan refusedFloor: Int, passedMoreThan passedFloor: Int, _ name: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertGreaterThan(refused, refusedFloor, "\(name): the cases exercise the errors", file: file, line: line)
        XCTAssertGreaterThan(passed, passedFloor, "\(name): and some go through", file: file, line: line)
        print("\(name): \(refused) refused, \(passed) went through")
    }

    /// Runs one case: `body` passes, or throws an error that `accepted` recognises and whose message is not empty.
    public mutating func record(
        _ label: String, accepted: (any Error) -> Bool, file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            passed += 1
        } catch {
            XCTAssertTrue(accepted(error), "\(label): unexpected \(type(of: error)): \(error)", file: file, line: line)
            XCTAssertFalse("\(error)".isEmpty, label, file: file, line: line)
            refused += 1
        }
    }
}
