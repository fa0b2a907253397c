import Base
import Channels
import Codes
import ECCT
import Foundation
import Neural
import TestSupport
import XCTest

/// Faults and limits of the ECCT: divergence, huge inputs, overflowing weights, sizes, interrupted writes.
final class FaultTests: XCTestCase {
    /// lr 1e30: the first non-finite loss or gradient stops the run with a TrainingError, the step is not taken,
    /// and the checkpoint on disk is the last good one (it loads and resumes).
    func testDivergenceStopsAtTheFirstNonFiniteStepAndKeepsTheCheckpoint() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        var config = ECCTTrainingConfig()
        config.epochs = 3; config.stepsPerEpoch = 4; config.batchSize = 16; config.validationWords = 32
        config.learningRate = 1e-3; config.minimumLearningRate = 1e-6
        let path = TemporaryFolder.path("diverge.safetensors")
        let good = try ECCTTrainer(
            model: try ECCTModel(code: code, layers: 1, width: 8, seed: 1), config: config, workers: 2)
        // one step, then a checkpoint
        XCTAssertEqual(try good.train(deadline: .distantPast, checkpoint: path), .outOfTime)
        let saved = try Data(contentsOf: URL(fileURLWithPath: path))
        config.learningRate = 1e30
        config.minimumLearningRate = 1e29
        let run = try ECCTTrainer(
            model: try ECCTModel(code: code, layers: 1, width: 8, seed: 1), config: config, workers: 2)
        var thrown: Error?
        do { _ = try run.train(checkpoint: path) } catch { thrown = error }
        let error = try XCTUnwrap(thrown as? TrainingError, "\(String(describing: thrown))")
        XCTAssertTrue("\(error)".contains("training diverged at step \(error.step)"), "\(error)")
        XCTAssertLessThan(error.step, 12)
        XCTAssertEqual(run.state.step, error.step - 1, "the diverging step was not counted")
        XCTAssertTrue(run.model.network.parameters.values.allSatisfy(\.isFinite), "the diverging step was not taken")
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: path)), saved, "no checkpoint written after the divergence")
        XCTAssertNoThrow(try ECCTCheckpoint.resume(code: code, from: path, workers: 2))
    }

    /// A curve holding NaN (a diverged validation) never makes a checkpoint write fail, and it reads back.
    func testNaNInTheCurveIsWrittenAndRead() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        let model = try ECCTModel(code: code, layers: 1, width: 8)
        var state = ECCTTrainingState()
        state.curve = [
            ECCTEpochRecord(
                epoch: 1, samples: 10, loss: .nan, trainBER: .infinity, learningRate: 1, validationBER: [.nan],
                seconds: 1)
        ]
        let path = TemporaryFolder.path("nan-curve.safetensors")
        try ECCTCheckpoint.save(model: model, optimizer: Adam(), config: ECCTTrainingConfig(), state: state, to: path)
        let (_, meta) = try SafeTensors.read(path: path)
        XCTAssertTrue(meta["state"]!.contains("\"nan\""), meta["state"]!)
    }

    /// |y| = 3e38 (or NaN) does not give NaN logits: magnitudes are clamped to 1e6 (NaN to 0).
    func testHugeMagnitudesAreClamped() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        let model = try ECCTModel(code: code, layers: 2, width: 32, seed: 3)
        let syndrome = [Float](repeating: 1, count: code.m)
        func logits(_ first: Float) -> [Float] {
            var magnitude = [Float](repeating: 0.7, count: code.n)
            magnitude[0] = first
            return model.logits(magnitude: magnitude, syndrome: syndrome, batch: 1)
        }
        let huge = logits(3e38)
        XCTAssertTrue(huge.allSatisfy(\.isFinite))
        XCTAssertEqual(huge, logits(1e6))
        XCTAssertEqual(logits(.nan), logits(0))
    }

    /// Weights that overflow: the decoder decodes those frames by hard decision and reports how many, never silently.
    func testOverflowingWeightsAreAReportedFallback() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        let model = try ECCTModel(code: code, layers: 1, width: 8, seed: 2)
        let p = model.network.parameters
        for name in ["out_fc.weight", "oned_final_embed.0.weight"] {
            let e = p.entry(name)!
            for i in e.offset..<(e.offset + e.count) { p.values[i] *= 1e30 }
        }
        let decoder = ECCTDecoder(model: model)
        var rng = SeededRNG(seed: 1)
        let y = ECCTData.channelOutputs(code: code, count: 40, ebN0: [3], rng: &rng)
        let bits = decoder.decode(llr: y, n: code.n)
        XCTAssertEqual(bits, y.map { $0 < 0 ? UInt8(1) : 0 }, "hard decision")
        let (frames, reason) = decoder.takeFallbacks()
        XCTAssertEqual(frames, 40)
        XCTAssertTrue(reason.contains("not finite"))
        XCTAssertEqual(decoder.takeFallbacks().frames, 0, "reading resets the count")
    }

    /// Sizes are checked before the mask or activations are built.
    func testOversizedModelsAreRefusedBeforeAllocating() throws {
        let big = try Catalog.code(named: "HAMMING-16383-16369")
        XCTAssertThrowsError(try ECCTModel(code: big, layers: 1, width: 8)) {
            XCTAssertTrue("\($0)".contains("attention mask would have up to") && "\($0)".contains("limit"), "\($0)")
        }
        let bch = try Catalog.code(named: "BCH-1023-513")
        XCTAssertThrowsError(try ECCTModel(code: bch, layers: 8, width: 256)) {
            XCTAssertTrue("\($0)".contains("GiB of activations"), "\($0)")
        }
        XCTAssertThrowsError(try ECCTModel(code: bch, layers: 64, width: 512)) {
            XCTAssertTrue("\($0)".contains("parameters need") && "\($0)".contains("Adam moments"), "\($0)")
        }
    }

    /// A write killed before its rename leaves `.NAME.tmp-PID`; the next write of that file removes it when the
    /// process is gone, and keeps the temporary files of live processes.
    func testStaleTemporaryFilesAreRemoved() throws {
        let path = TemporaryFolder.path("atomic.txt")
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let dead = dir + "/.atomic.txt.tmp-999999999", live = dir + "/.atomic.txt.tmp-1"  // pid 1 always runs
        FileManager.default.createFile(atPath: dead, contents: Data([1]))
        FileManager.default.createFile(atPath: live, contents: Data([1]))
        try AtomicFile.write("hello", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "hello")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live))
        try? FileManager.default.removeItem(atPath: live)
        XCTAssertThrowsError(try AtomicFile.write("x", to: "/nonexistent-folder/a.txt")) {
            XCTAssertTrue("\($0)".contains("folder '/nonexistent-folder' does not exist"), "\($0)")
        }
        XCTAssertThrowsError(try AtomicFile.write("x", to: dir)) {
            XCTAssertTrue("\($0)".contains("is a folder"), "\($0)")
        }
    }
}
