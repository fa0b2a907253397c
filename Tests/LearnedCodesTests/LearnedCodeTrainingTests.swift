import Codes
import Foundation
import Neural
import TestSupport
import XCTest

@testable import LearnedCodes

/// The joint training: exact resume, Ω's group (freeze, own clip), the code export, the systematic form from a known
/// code, sizes refused with the field named.
final class LearnedCodeTrainingTests: XCTestCase {
    func config(epochs: Int = 2) -> LearnedCodeTrainingConfig {
        var c = LearnedCodeTrainingConfig(n: 15, k: 7, layers: 2, width: 16, epochs: epochs, stepsPerEpoch: 3)
        c.batchSize = 12
        c.validationWords = 256
        c.learningRate = 3e-3
        c.seed = 5
        return c
    }

    func trainer(_ c: LearnedCodeTrainingConfig, workers: Int = 2) throws -> LearnedCodeTrainer {
        try LearnedCodeTrainer(
            model: try LearnedCodeModel(n: c.n, k: c.k, layers: c.layers, width: c.width, heads: c.heads, seed: 7),
            config: c, workers: workers)
    }

    func testResumedRunEndsWithTheWeightsOfAnUninterruptedOne() throws {
        let whole = try trainer(config())
        try whole.train()
        let path = TemporaryFolder.path("learned-resume.safetensors")
        // stopped by the deadline after every step (mid-epoch: the epoch's sums and P's snapshot are in the state)
        var resumed = try trainer(config())
        var resumes = 0
        while try resumed.train(deadline: .distantPast, checkpoint: path) == .outOfTime {
            resumed = try LearnedCodeCheckpoint.resume(from: path, workers: 2)
            resumes += 1
        }
        XCTAssertEqual(resumes, config().epochs * config().stepsPerEpoch - 1)
        XCTAssertEqual(resumed.state.epochsDone, 2)
        XCTAssertEqual(resumed.optimizer.m, whole.optimizer.m)
        XCTAssertEqual(resumed.state.curve.map(\.trainingBER), whole.state.curve.map(\.trainingBER))
        XCTAssertTrue(
            resumed.model.network.parameters.values == whole.model.network.parameters.values, "weights differ")
        XCTAssertEqual(resumed.state.curve.map(\.loss), whole.state.curve.map(\.loss))
        XCTAssertEqual(resumed.state.curve.map(\.codeChanges), whole.state.curve.map(\.codeChanges))
        XCTAssertEqual(resumed.state.curve.map(\.negLnBER), whole.state.curve.map(\.negLnBER))
        XCTAssertTrue(whole.state.curve.allSatisfy { $0.negLnBER.count == 3 && $0.negLnBER.allSatisfy(\.isFinite) })
        // a checkpoint of another size is refused, naming both
        XCTAssertThrowsError(try LearnedCodeCheckpoint.resume(from: path, workers: 1, expect: (31, 16))) {
            XCTAssertTrue("\($0)".contains("(15, 7)") && "\($0)".contains("(31, 16)"), "\($0)")
        }
    }

    /// lr 1e30: the first non-finite loss or gradient stops the run with a `TrainingError` naming the step, the step is
    /// not taken, and the checkpoint on disk is the last good one (it resumes).
    func testDivergenceStopsTheRunAndKeepsTheLastCheckpoint() throws {
        try assertDivergenceKeepsTheLastCheckpoint(
            path: TemporaryFolder.path("learned-diverge.safetensors"),
            makeRun: { diverging in
                var c = self.config(epochs: 3)
                if diverging { (c.learningRate, c.minimumLearningRate) = (1e30, 1e29) }
                return try self.trainer(c)
            }, resume: { try LearnedCodeCheckpoint.resume(from: $0, workers: 2) })
    }

    func testFrozenCodeStaysAndTheDecoderStillTrains() throws {
        var c = config(epochs: 1)
        c.freezeCodeAfter = 0
        let t = try trainer(c)
        let omega = t.model.network.parameters.entry(DCECCTNames.omega)!
        let before = t.model.network.parameters.values
        try t.train()
        let after = t.model.network.parameters.values
        XCTAssertTrue(
            after[omega.offset..<(omega.offset + omega.count)] == before[omega.offset..<(omega.offset + omega.count)],
            "Ω moved")
        XCTAssertFalse(
            after[(omega.offset + omega.count)...] == before[(omega.offset + omega.count)...],
            "the decoder did not train")
        XCTAssertEqual(t.state.curve[0].codeChanges, 0)
        // unfrozen, the code moves (Ω starts at ±0.01; Adam's steps of ≈ lr = 5e-3 flip signs within a few steps)
        var unfrozen = config(epochs: 1)
        unfrozen.stepsPerEpoch = 8
        unfrozen.learningRate = 5e-3
        let free = try trainer(unfrozen)
        try free.train()
        XCTAssertGreaterThan(free.state.curve[0].codeChanges, 0)
    }

    func testCodeExportReadsBackAsTheSameCode() throws {
        let model = try LearnedCodeModel(n: 15, k: 7, layers: 1, width: 8, seed: 3)
        for name in ["learned.alist", "learned.txt"] {
            let path = TemporaryFolder.path(name)
            try LearnedCodeCheckpoint.exportCode(model.code, to: path)
            let read = try Catalog.code(named: path)
            XCTAssertEqual(read.H, model.code.parityCheck, name)
            XCTAssertEqual(read.k, 7)
        }
        // G·Hᵀ = 0 for the code of any Ω
        let code = model.code.linearCode(name: "x")
        for r in 0..<code.G.rows { XCTAssertTrue(code.isCodeword(code.G.row(r))) }
    }

    func testSystematicFormOfAKnownCode() throws {
        let bch = try Catalog.code(named: "BCH-31-16")
        let (omega, permutation) = try SystematicCode.omega(from: bch)
        let learned = SystematicCode(n: 31, k: 16, omega: omega).linearCode(name: "from BCH")
        // the same code up to the column permutation: same weight distribution, d = 7
        XCTAssertEqual(try WeightDistribution(code: learned), try WeightDistribution(code: bch))
        XCTAssertEqual(permutation.sorted(), Array(0..<31))
        XCTAssertTrue(omega.allSatisfy { abs($0) == 0.01 })
    }

    func testImpossibleSizesNameTheField() {
        func message(_ body: () throws -> Void) -> String {
            do {
                try body()
                return ""
            } catch { return "\(error)" }
        }
        XCTAssertTrue(message { _ = try LearnedCodeModel(n: 16, k: 16, layers: 2, width: 32) }.contains("--n = 16"))
        XCTAssertTrue(message { _ = try LearnedCodeModel(n: 16, k: 0, layers: 2, width: 32) }.contains("--k = 0"))
        XCTAssertTrue(
            message { _ = try LearnedCodeModel(n: 100_000, k: 16, layers: 2, width: 32) }.contains("--n = 100000"))
        XCTAssertTrue(message { _ = try LearnedCodeModel(n: 31, k: 16, layers: 2, width: 30) }.contains("--dim"))
    }
}
