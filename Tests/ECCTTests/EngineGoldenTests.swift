import Base
import Channels
import Codes
import ECCT
import Foundation
import Neural
import TestSupport
import XCTest

/// The ECCT as it was before the engine became blocks (issue 10), frozen in `Resources/golden-engine.safetensors`:
/// a seeded training run (weights, Adam moments and losses after 10 steps of two workers, eight heads, dropout on)
/// and the decisions of the shipped BCH-63-45 model on 1,024 fixed frames. The file was written by this test with
/// `ECCBENCH_WRITE_GOLDEN=path` on the old engine (AVX2 kernels, OpenBLAS's Haswell kernels). On the same kernel path
/// and OpenBLAS kernel set (metadata `openblas_cores`: Zen runs Haswell's SGEMM) the new engine must repeat it bit for
/// bit; on another path or kernel set (the portable path without FMA; OpenBLAS's Cooperlake kernels, which it picks on
/// an AVX-512 virtual CPU when OPENBLAS_CORETYPE is unset) to rounding. The training run starts from the old
/// initialisation (independent biases, `clonedInitialBiases: false`): issue 12 changed the default, not the engine.
final class EngineGoldenTests: XCTestCase {
    static let trainingCode = "BCH-31-16"

    static func trainingRun() throws -> ECCTTrainer {
        let code = try Catalog.code(named: trainingCode)
        var config = ECCTTrainingConfig()
        config.epochs = 2; config.stepsPerEpoch = 5; config.batchSize = 24; config.validationWords = 200
        config.learningRate = 1e-3; config.seed = 9
        let trainer = try ECCTTrainer(
            model: try ECCTModel(code: code, layers: 2, width: 16, seed: 9, clonedInitialBiases: false), config: config,
            workers: 2)
        _ = try trainer.train(checkpoint: nil)
        return trainer
    }

    static func shippedDecisions() throws -> (bits: [Float], frames: Int) {
        let code = try Catalog.code(named: "BCH-63-45")
        let entry = try XCTUnwrap(PretrainedModels.models(for: code).first)
        let decoder = ECCTDecoder(model: try ECCTModel.load(code: code, weightsAt: entry.path))
        let frames = 1024
        var rng = SeededRNG(seed: 77)
        let y = ECCTData.channelOutputs(code: code, count: frames, ebN0: [4, 5], rng: &rng)
        var bits = [UInt8](repeating: 0, count: y.count)
        y.withUnsafeBufferPointer { l in
            bits.withUnsafeMutableBufferPointer { decoder.decode(llr: l, count: frames, into: $0) }
        }
        return (bits.map(Float.init), frames)
    }

    func testGoldenFileIsWrittenOrMatched() throws {
        let run = try Self.trainingRun()
        let (bits, frames) = try Self.shippedDecisions()
        let losses =
            run.state.curve.map { Float($0.loss) } + run.state.curve.flatMap { $0.validationBER.map(Float.init) }
        let tensors: [String: Tensor] = [
            "weights": Tensor(shape: [run.model.network.parameters.count], values: run.model.network.parameters.values),
            "adam_m": Tensor(shape: [run.optimizer.m.count], values: run.optimizer.m),
            "adam_v": Tensor(shape: [run.optimizer.v.count], values: run.optimizer.v),
            "curve": Tensor(shape: [losses.count], values: losses),
            "decisions": Tensor(shape: [frames, 63], values: bits),
        ]
        if let out = ProcessInfo.processInfo.environment["ECCBENCH_WRITE_GOLDEN"] {
            try SafeTensors.write(
                tensors,
                metadata: [
                    "kernels": KernelPath.best.rawValue,
                    "openblas_cores": OpenBLASCore.activeCoreName,
                ], to: out)
            print("golden written to \(out)")
            return
        }
        let path = TestResources.path("golden-engine.safetensors")
        let (golden, meta) = try SafeTensors.read(path: path)
        let cores = (meta["openblas_cores"] ?? "").split(separator: ",").map(String.init)
        let exact =
            meta["kernels"] == KernelPath.best.floatingPointTwin.rawValue && cores.contains(OpenBLASCore.activeCoreName)
        print(
            "golden: kernels \(KernelPath.best.rawValue), OpenBLAS \(OpenBLASCore.activeCoreName): "
                + (exact ? "bit for bit" : "to rounding (written on \(meta["kernels"] ?? "?"), OpenBLAS \(cores))"))
        for (name, tensor) in tensors.sorted(by: { $0.key < $1.key }) {
            let want = try XCTUnwrap(golden[name], name)
            XCTAssertEqual(want.shape, tensor.shape, name)
            if exact {
                let differing = zip(want.values, tensor.values).filter { $0 != $1 }.count
                XCTAssertEqual(
                    differing, 0, "\(name): \(differing) of \(tensor.values.count) values differ from the old engine")
            } else if name == "decisions" {
                let differing = zip(want.values, tensor.values).filter { $0 != $1 }.count
                XCTAssertLessThanOrEqual(differing, 4, "decisions (other kernel path): a logit near 0 may change sign")
            } else {
                let scale = want.values.map(abs).max() ?? 1
                let diff = zip(want.values, tensor.values).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThan(diff, 1e-3 * max(scale, 1), "\(name) (other kernel path)")
            }
        }
    }
}
