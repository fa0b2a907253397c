import Base
import Foundation
import Neural
import TestSupport
import XCTest

@testable import QECC

/// Seeded fuzzing of the quantum surfaces (a few hundred cases in seconds): code names and sizes, noise, rounds,
/// probabilities (subnormal, tiny, out of range, NaN), --nonzero-only and every classical decoder. Each case is
/// refused with a clear error (a `QECCError` or `SettingsError` with a message) or decodes 16 shots; never a crash, a
/// hang or a count out of range.
final class QuantumInputFuzzTests: XCTestCase {
    static let hostileSizes = [-1, 0, 1, 101, 142, 150, 200, 300, 100_000, Int.max]
    static let hostileRounds = [0, -1, 2000, 100_000]
    static let hostileProbabilities: [Double] = [
        0, 1, 0.5, 1e-18, 1e-300, 1e-309, 1e-320, 5e-324, -0.1, 1.1, .nan, .infinity, 0.999,
    ]

    func testQuantumCasesGiveErrorsOrDecode() throws {
        var m = Mutator(seed: 0x0EC0)
        var tally = FuzzTally()
        // each field is hostile one time in four, else an ordinary value
        func pick<T>(_ ordinary: [T], _ hostile: [T]) -> T { m.pick(ordinary, hostile, oneIn: 4) }
        for index in 0..<400 {
            let family = pick(["toric", "surface", "planar"], ["torc", "", "toric-3"])
            let size = pick([2, 3, 4, 5], Self.hostileSizes)
            let noise: PauliNoise = m.below(2) == 0 ? .independent : .depolarizing
            let roundChoice = pick([1, 1, 2, 3], Self.hostileRounds)
            let p = pick([0.01, 0.05, 0.1, 0.2], Self.hostileProbabilities)
            let q: Double? = m.below(2) == 0 ? nil : pick([0.01, 0.05], Self.hostileProbabilities)
            let decoderName = ["mwpm", "uf", "bposd"][m.below(3)]
            let nonzeroOnly = m.below(4) == 0
            let qText = q.map { "\($0)" } ?? "-", flag = nonzeroOnly ? " nonzero-only" : ""
            let label =
                "case \(index): \(family)-\(size) \(noise) T=\(roundChoice) p=\(p) q=\(qText) \(decoderName)\(flag)"
            tally.record(label, accepted: { $0 is QECCError || $0 is SettingsError }) {
                let code = try QuantumCatalog.code(named: "\(family)-\(size)")
                let problem = try DecodingProblem(code: code, noise: noise, rounds: roundChoice)
                let decoder = try QuantumDecoders.make(decoderName, problem: problem, p: p, q: q)
                var config = LERConfig(shots: 16, seed: UInt64(index))
                config.nonzeroOnly = nonzeroOnly
                config.threads = 2
                let r = try LogicalErrorSimulation(problem: problem, config: config)
                    .run(decoder: decoder, p: p, q: q, pointIndex: 0)
                XCTAssertEqual(r.shots, 16, label)
                XCTAssertTrue((0...16).contains(r.failures), label)
            }
        }
        tally.expect(refusedMoreThan: 100, passedMoreThan: 20, "quantum fuzz")
    }
}
