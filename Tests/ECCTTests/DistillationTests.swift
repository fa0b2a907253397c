import Base
import Codes
import ECCT
import Foundation
import Neural
import TestSupport
import XCTest

/// Knowledge distillation (`--distill-from`, `--distill-weight`): the targets are mixed with the teacher's soft
/// decisions, exactly and reproducibly; bad settings are refused by name.
final class DistillationTests: XCTestCase {
    func teacherFile(code: LinearCode, name: String) throws -> String {
        let teacher = try ECCTModel(code: code, layers: 1, width: 8, seed: 9)
        let path = TemporaryFolder.path(name)
        try ECCTCheckpoint.save(model: teacher, optimizer: nil, config: nil, state: nil, to: path)
        return path
    }

    func config(teacher: String?, weight: Float?) -> ECCTTrainingConfig {
        var c = ECCTTrainingConfig()
        c.epochs = 2; c.stepsPerEpoch = 3; c.batchSize = 12; c.validationWords = 32; c.learningRate = 1e-3; c.seed = 3
        c.distillFrom = teacher; c.distillWeight = weight
        return c
    }

    func testTargetsMixTheFlipTargetsWithTheTeachersSoftDecisions() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        let path = try teacherFile(code: code, name: "distill-teacher.safetensors")
        let plain = try ECCTRecipe(
            model: try ECCTModel(code: code, layers: 1, width: 8, seed: 1), settings: config(teacher: nil, weight: nil))
        let distilled = try ECCTRecipe(
            model: try ECCTModel(code: code, layers: 1, width: 8, seed: 1), settings: config(teacher: path, weight: 0.7)
        )
        let (y, t) = plain.batch(step: 4)
        let (y2, t2) = distilled.batch(step: 4)
        XCTAssertEqual(y, y2, "the same channel outputs")
        // the teacher's logits, computed here word by word through its decoder's soft output (another path)
        let teacher = try ECCTModel.load(code: code, weightsAt: path)
        let decoder = ECCTDecoder(model: teacher, chunk: 1)
        var soft = [Float](repeating: 0, count: y.count)
        y.withUnsafeBufferPointer { yp in
            soft.withUnsafeMutableBufferPointer { decoder.decodeSoft(llr: yp, count: 12, llrScale: 1, into: $0) }
        }
        var moved = 0
        for i in t.indices {
            // decodeSoft gives f·sign(y); the target's teacher part is σ(f)
            let f = y[i] < 0 ? -soft[i] : soft[i]
            let expected = 0.3 * t[i] + 0.7 * Elementwise.sigmoid(f)
            XCTAssertEqual(t2[i], expected, accuracy: 1e-5, "target \(i)")
            if abs(t2[i] - t[i]) > 0.05 { moved += 1 }
        }
        XCTAssertGreaterThan(moved, t.count / 4, "an untrained teacher moves most targets away from 0 and 1")
    }

    /// A distilled run stopped after every step and resumed on another thread count ends bit-identical to a straight one.
    func testDistilledRunResumesExactlyAtAnyThreadCount() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        let path = try teacherFile(code: code, name: "distill-teacher-resume.safetensors")
        let c = config(teacher: path, weight: 0.5)
        let straight = try ECCTTrainer(
            model: try ECCTModel(code: code, layers: 1, width: 8, seed: 1), config: c, workers: 1,
            parallel: .init(slices: 2))
        _ = try straight.train(checkpoint: nil)
        let out = TemporaryFolder.path("distill-resume.safetensors")
        var run = try ECCTTrainer(
            model: try ECCTModel(code: code, layers: 1, width: 8, seed: 1), config: c, workers: 2,
            parallel: .init(slices: 2))
        while try run.train(deadline: .distantPast, checkpoint: out) == .outOfTime {
            run = try ECCTCheckpoint.resume(code: code, from: out, workers: 1)
        }
        XCTAssertEqual(run.config, c)
        XCTAssertEqual(run.model.network.parameters.values, straight.model.network.parameters.values)
        // without the teacher the same run ends elsewhere: the targets did change the training
        let undistilled = try ECCTTrainer(
            model: try ECCTModel(code: code, layers: 1, width: 8, seed: 1), config: config(teacher: nil, weight: nil),
            workers: 1, parallel: .init(slices: 2))
        _ = try undistilled.train(checkpoint: nil)
        XCTAssertNotEqual(undistilled.model.network.parameters.values, straight.model.network.parameters.values)
    }

    func testBadDistillationSettingsAreRefusedByName() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        let path = try teacherFile(code: code, name: "distill-teacher-bad.safetensors")
        func refusal(_ c: ECCTTrainingConfig, model: ECCTModel? = nil) -> String {
            do {
                _ = try ECCTRecipe(model: try model ?? ECCTModel(code: code, layers: 1, width: 8, seed: 1), settings: c)
                return "accepted"
            } catch { return "\(error)" }
        }
        XCTAssertTrue(refusal(config(teacher: nil, weight: 0.5)).contains("--distill-from"))
        for α: Float in [0, -0.1, 1.5, .nan, .infinity] {
            XCTAssertTrue(refusal(config(teacher: path, weight: α)).contains("must be in (0, 1]"), "α = \(α)")
        }
        XCTAssertEqual(refusal(config(teacher: path, weight: 1)), "accepted")
        XCTAssertTrue(refusal(config(teacher: "/nonexistent/t.safetensors", weight: nil)).contains("does not exist"))
        // a teacher of another code: refused, naming the file
        let golay = try Catalog.code(named: "GOLAY-24-12")
        let message = refusal(
            config(teacher: path, weight: nil), model: try ECCTModel(code: golay, layers: 1, width: 8, seed: 1))
        XCTAssertTrue(message.contains(path) && message.contains("does not load"), message)
    }
}
