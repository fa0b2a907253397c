import Base
import Codes
import ECCT
import Foundation
import Neural
import TestSupport
import XCTest

/// The data-centric recipe's options: AdamW, the WSD schedule, zero-syndrome rejection; exact and resumable.
final class RecipeOptionTests: XCTestCase {
    func testAdamWDecaysTheWeightsBeforeTheAdamUpdate() {
        var adamw = Adam(learningRate: 0.1)
        adamw.weightDecay = 0.5
        adamw.decoupledWeightDecay = true
        var p: [Float] = [2, -1]
        let g: [Float] = [0.3, -0.2]
        adamw.step(parameters: &p, gradients: g)
        // step 1: m̂ = g, v̂ = g², so the Adam part is lr·g/(|g| + ε) = ±lr; the decay multiplies by 1 − lr·λ = 0.95 first
        XCTAssertEqual(p[0], 2 * 0.95 - 0.1 * 0.3 / (0.3 + 1e-8), accuracy: 1e-6)
        XCTAssertEqual(p[1], -1 * 0.95 + 0.1 * 0.2 / (0.2 + 1e-8), accuracy: 1e-6)
        var adam = Adam(learningRate: 0.1)
        adam.weightDecay = 0.5  // L2: enters the gradient, g + λθ
        var q: [Float] = [2, -1]
        adam.step(parameters: &q, gradients: g)
        XCTAssertEqual(q[0], 2 - 0.1, accuracy: 1e-6)
    }

    func testWarmupStableDecaySchedule() throws {
        var c = ECCTTrainingConfig()
        c.epochs = 2; c.stepsPerEpoch = 10; c.learningRate = 1e-3; c.minimumLearningRate = 1e-5
        c.schedule = "wsd"; c.warmupSteps = 4; c.decaySteps = 5
        try c.validate()
        XCTAssertEqual(c.learningRate(step: 0), 2.5e-4, accuracy: 1e-9)
        XCTAssertEqual(c.learningRate(step: 3), 1e-3, accuracy: 1e-9)
        XCTAssertEqual(c.learningRate(step: 14), 1e-3)
        XCTAssertEqual(c.learningRate(step: 15), 1e-3 + (1e-5 - 1e-3) * 0.2, accuracy: 1e-9)
        XCTAssertEqual(c.learningRate(step: 19), 1e-5, accuracy: 1e-9)
        c.decaySteps = 17
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("must fit"), "\($0)") }
        var cosine = ECCTTrainingConfig()
        cosine.warmupSteps = 3
        XCTAssertThrowsError(try cosine.validate()) { XCTAssertTrue("\($0)".contains("--schedule wsd"), "\($0)") }
        cosine.warmupSteps = nil
        XCTAssertEqual(cosine.learningRate(step: 2500), cosine.learningRate(epoch: 2), "cosine: the step's epoch")
    }

    func testZeroSyndromeRejectionIsExactAndSeeded() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        let graph = code.tannerGraph
        var r1 = SeededRNG(seed: 5), r2 = SeededRNG(seed: 5)
        let y = ECCTData.channelOutputsWithErrors(code: code, graph: graph, count: 200, ebN0: [7], rng: &r1)
        XCTAssertEqual(y.count, 200 * code.n)
        for s in 0..<200 {
            XCTAssertTrue(ECCTData.hasNonzeroSyndrome(y, sample: s, n: code.n, graph: graph), "sample \(s)")
        }
        XCTAssertEqual(y, ECCTData.channelOutputsWithErrors(code: code, graph: graph, count: 200, ebN0: [7], rng: &r2))
        // at 7 dB most plain samples have a zero syndrome, so the rejection did work
        var r3 = SeededRNG(seed: 5)
        let plain = ECCTData.channelOutputs(code: code, count: 200, ebN0: [7], rng: &r3)
        let zero = (0..<200).filter { !ECCTData.hasNonzeroSyndrome(plain, sample: $0, n: code.n, graph: graph) }.count
        XCTAssertGreaterThan(zero, 100)
    }

    /// With every new option on, a run stopped after each step and resumed ends bit-identical to a straight run.
    func testResumeIsExactWithTheNewOptions() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        var c = ECCTTrainingConfig()
        c.epochs = 2; c.stepsPerEpoch = 3; c.batchSize = 12; c.validationWords = 32; c.learningRate = 1e-3; c.seed = 3
        c.optimizer = "adamw"; c.weightDecay = 0.01; c.schedule = "wsd"; c.warmupSteps = 2; c.decaySteps = 2
        c.rejectZeroSyndrome = true; c.clipNorm = 1
        let straight = try ECCTTrainer(
            model: try ECCTModel(code: code, layers: 1, width: 8, seed: 1), config: c, workers: 2)
        _ = try straight.train(checkpoint: nil)
        let path = TemporaryFolder.path("recipe-resume.safetensors")
        var run = try ECCTTrainer(model: try ECCTModel(code: code, layers: 1, width: 8, seed: 1), config: c, workers: 2)
        while try run.train(deadline: .distantPast, checkpoint: path) == .outOfTime {
            run = try ECCTCheckpoint.resume(code: code, from: path, workers: 2)
        }
        XCTAssertEqual(run.config, c)
        XCTAssertEqual(run.model.network.parameters.values, straight.model.network.parameters.values)
        XCTAssertEqual(run.optimizer.m, straight.optimizer.m)
        XCTAssertTrue(run.optimizer.decoupledWeightDecay)
    }
}

/// Automorphism augmentation permutes each sample and its targets by the same automorphism.
final class AugmentationTests: XCTestCase {
    func testSamplesAndTargetsArePermutedAlike() throws {
        let code = try Catalog.code(named: "BCH-31-16")
        var c = ECCTTrainingConfig()
        c.batchSize = 20; c.validationWords = 0; c.epochs = 1; c.stepsPerEpoch = 2
        let plain = try ECCTTrainer(model: try ECCTModel(code: code, layers: 1, width: 8), config: c, workers: 1)
        c.augment = "automorphisms"
        let augmented = try ECCTTrainer(model: try ECCTModel(code: code, layers: 1, width: 8), config: c, workers: 1)
        let (y0, _) = plain.batch(step: 1), (y1, t1) = augmented.batch(step: 1)
        let group = try Automorphisms.group(for: code)
        var moved = 0
        for b in 0..<20 {
            let row = Array(y0[(b * 31)..<((b + 1) * 31)]), prow = Array(y1[(b * 31)..<((b + 1) * 31)])
            let π = try XCTUnwrap(
                group.first { π in (0..<31).allSatisfy { prow[$0] == row[π[$0]] } },
                "sample \(b) is an automorphic image")
            if π != group[0] { moved += 1 }
            for j in 0..<31 { XCTAssertEqual(t1[b * 31 + j], prow[j] > 0 ? 1 : 0, "targets follow the permutation") }
        }
        XCTAssertGreaterThan(moved, 15)
    }
}
