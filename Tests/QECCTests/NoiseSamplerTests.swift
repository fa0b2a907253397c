import Base
import QECC
import XCTest

final class NoiseSamplerTests: XCTestCase {
    func draw(_ problem: DecodingProblem, p: Double, q: Double? = nil, shots: Int, nonzero: Bool = false)
        throws -> (errors: [UInt8], detections: [UInt8])
    {
        let sampler = try NoiseSampler(problem: problem, p: p, q: q, nonzeroOnly: nonzero)
        var rng = SeededRNG(seed: 1)
        return sampler.sample(count: shots, rng: &rng)
    }

    /// Marginals: depolarising X, Z and Y each at p/3 (so each half's bit at 2p/3), independent at p; tolerances of
    /// five binomial standard errors.
    func testRatesMatchTheModel() throws {
        let code = try CSSCode.toric(6), n = code.n, shots = 20_000, p = 0.12
        let depolarizing = try draw(try DecodingProblem(code: code, noise: .depolarizing), p: p, shots: shots)
        var x = 0, z = 0, y = 0
        for s in 0..<shots {
            for j in 0..<n {
                let a = depolarizing.errors[s * 2 * n + j], b = depolarizing.errors[s * 2 * n + n + j]
                if a == 1 && b == 1 { y += 1 } else if a == 1 { x += 1 } else if b == 1 { z += 1 }
            }
        }
        let trials = Double(shots * n), third = p / 3
        let tolerance = 5 * (third * (1 - third) / trials).squareRoot()
        for (name, count) in [("X", x), ("Z", z), ("Y", y)] {
            XCTAssertEqual(Double(count) / trials, third, accuracy: tolerance, name)
        }
        let independent = try draw(try DecodingProblem(code: code, noise: .independent), p: p, shots: shots)
        let rate = Double(independent.errors.reduce(0) { $0 + Int($1) }) / trials
        XCTAssertEqual(rate, p, accuracy: 5 * (p * (1 - p) / trials).squareRoot())
    }

    /// Faulty measurements: with no qubit error, each detection bit of rounds 1…T−2 sees two measurement flips
    /// (rate 2q(1−q)); round 0 and the last one see one.
    func testMeasurementErrorsMakeTimePairs() throws {
        let problem = try DecodingProblem(code: try CSSCode.toric(4), noise: .independent, rounds: 4)
        let q = 0.05, shots = 20_000, M = problem.syndromeLength
        let (errors, detections) = try draw(problem, p: 0, q: q, shots: shots)
        XCTAssertTrue(errors.allSatisfy { $0 == 0 })
        for t in 0..<4 {
            var count = 0
            for s in 0..<shots { for i in 0..<M { count += Int(detections[(s * 4 + t) * M + i]) } }
            let expected = t == 0 || t == 3 ? q : 2 * q * (1 - q)
            let trials = Double(shots * M)
            XCTAssertEqual(
                Double(count) / trials, expected, accuracy: 5 * (expected / trials).squareRoot(), "round \(t)")
        }
    }

    func testNonzeroOnlyRedrawsEmptyRounds() throws {
        let problem = try DecodingProblem(code: try CSSCode.toric(3), noise: .independent)
        let (errors, _) = try draw(problem, p: 0.01, shots: 500, nonzero: true)
        for s in 0..<500 { XCTAssertTrue(errors[(s * 18)..<((s + 1) * 18)].contains(1), "shot \(s)") }
        XCTAssertThrowsError(try NoiseSampler(problem: problem, p: 0, nonzeroOnly: true))
        XCTAssertThrowsError(try NoiseSampler(problem: problem, p: .nan)) {
            XCTAssertTrue("\($0)".contains("outside [0, 1]"))
        }
        XCTAssertThrowsError(try NoiseSampler(problem: problem, p: 1.5))
    }
}
