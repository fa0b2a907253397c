import QECC
import XCTest

/// The known thresholds of docs/DESIGN.md §8 (PyMatching 2.4 on these matrices): where the LER curves of two toric sizes
/// cross under mwpm. Fixed seeds; the shot counts put the crossing's whole 95% interval inside each window.
final class ThresholdTests: XCTestCase {
    func crossing(sizes: (Int, Int), noise: PauliNoise, roundsEqualSize: Bool, grid: [Double], shots: Int) throws
        -> Crossing
    {
        let config = LERConfig(shots: shots, seed: 2024)
        var curves: [[LERPoint]] = []
        for L in [sizes.0, sizes.1] {
            let problem = try DecodingProblem(code: try CSSCode.toric(L), noise: noise, rounds: roundsEqualSize ? L : 1)
            let engine = LogicalErrorSimulation(problem: problem, config: config)
            curves.append(
                try grid.enumerated().map { i, p in
                    try engine.run(decoder: try MatchingDecoder(problem: problem, p: p), p: p, pointIndex: i)
                })
        }
        return Crossing.estimate(small: curves[0], large: curves[1], sizes: sizes, decoder: "mwpm")
    }

    func assertCrossing(_ c: Crossing, in window: ClosedRange<Double>, _ what: String) {
        guard let p = c.p, let interval = c.interval else { return XCTFail("\(what): the curves do not cross") }
        XCTAssertTrue(window.contains(p), "\(what): crossing at \(p), expected in \(window)")
        // The whole 95% interval of the crossing lies in the window: the test cannot pass by a lucky estimate.
        XCTAssertTrue(
            window.contains(interval.lower) && window.contains(interval.upper),
            "\(what): crossing interval \(interval) leaves \(window)")
    }

    func testIndependentNoiseThreshold() throws {
        let c = try crossing(
            sizes: (6, 8), noise: .independent, roundsEqualSize: false, grid: [0.095, 0.105, 0.115], shots: 40_000)
        assertCrossing(c, in: 0.100...0.112, "toric 6/8, independent")
    }

    func testDepolarizingThresholdWithHalvesDecodedApart() throws {
        let c = try crossing(
            sizes: (6, 8), noise: .depolarizing, roundsEqualSize: false, grid: [0.145, 0.155, 0.165], shots: 40_000)
        assertCrossing(c, in: 0.148...0.162, "toric 6/8, depolarizing")
    }

    func testPhenomenologicalThresholdWithTEqualL() throws {
        let c = try crossing(
            sizes: (4, 6), noise: .independent, roundsEqualSize: true, grid: [0.029, 0.035, 0.041], shots: 20_000)
        assertCrossing(c, in: 0.032...0.038, "toric 4/6, T = L")
    }

    /// The counts depend on the seed only, not on the thread count; every decoder sees the same shots.
    func testCountsDoNotDependOnThreads() throws {
        let problem = try DecodingProblem(code: try CSSCode.toric(4), noise: .depolarizing, rounds: 2)
        var results: [Int] = []
        for threads in [1, 2, 3] {
            var config = LERConfig()
            config.threads = threads; config.minFailures = 150; config.minShots = 1000; config.blockSize = 64;
            config.seed = 9
            let r = try LogicalErrorSimulation(problem: problem, config: config)
                .run(decoder: try MatchingDecoder(problem: problem, p: 0.04), p: 0.04, pointIndex: 0)
            results += [r.shots, r.failures]
        }
        XCTAssertEqual(results[0...1], results[2...3])
        XCTAssertEqual(results[0...1], results[4...5])
        XCTAssertGreaterThanOrEqual(results[1], 150)
    }
}
