import Base
import Channels
import Codes
import Foundation
import Neural
import TestSupport
import XCTest

@testable import ECCT

/// The models shipped in Sources/ECCT/Models.
final class PretrainedModelTests: XCTestCase {
    /// Every shipped file loads for its code, with the size its name gives, and is a valid checkpoint at the end of its run.
    func testEveryShippedModelLoadsAndIsAFinishedRun() throws {
        XCTAssertGreaterThanOrEqual(PretrainedModels.all.count, 3, "\(PretrainedModels.all)")
        for entry in PretrainedModels.all {
            let code = try Self.code(entry.code)
            // the loader `ecct` uses, and the checkpoint reader of `train --resume` (weights, Adam, settings, state)
            let model = try ECCTModel.load(code: code, weightsAt: entry.path)
            XCTAssertEqual(model.layers, entry.layers, entry.path)
            XCTAssertEqual(model.width, entry.width, entry.path)
            XCTAssertTrue(
                FileManager.default.fileExists(
                    atPath: entry.path.replacingOccurrences(of: ".safetensors", with: ".curve.csv")),
                "\(entry.path) ships with its learning curve")
            if entry.architecture == "aecct" {
                // a frozen model (no optimizer state): the QAT run it was frozen from is recorded in its metadata
                XCTAssertEqual(model.architecture, .aecct(.frozen, .token), entry.path)
                let meta = try SafeTensors.read(path: entry.path).metadata
                let decoder = JSONDecoder()
                decoder.nonConformingFloatDecodingStrategy = .convertFromString(
                    positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                let state = try decoder.decode(
                    ECCTTrainingState.self, from: Data(try XCTUnwrap(meta["qat_state"]).utf8))
                let config = try decoder.decode(
                    ECCTTrainingConfig.self, from: Data(try XCTUnwrap(meta["qat_training"]).utf8))
                XCTAssertEqual(config.precision, "qat", entry.path)
                XCTAssertEqual(
                    state.step, config.epochs * config.stepsPerEpoch, "\(entry.path) is the end of its QAT run")
                continue
            }
            let (tensors, meta) = try SafeTensors.read(path: entry.path)
            if !tensors.keys.contains(where: { $0.hasPrefix("optimizer.") }) {
                // shipped without Adam's moments (the team's rule since issue 29): the end of its run by its metadata
                let decoder = JSONDecoder()
                decoder.nonConformingFloatDecodingStrategy = .convertFromString(
                    positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                let state = try decoder.decode(ECCTTrainingState.self, from: Data(try XCTUnwrap(meta["state"]).utf8))
                let config = try decoder.decode(
                    ECCTTrainingConfig.self, from: Data(try XCTUnwrap(meta["training"]).utf8))
                XCTAssertEqual(state.step, config.epochs * config.stepsPerEpoch, "\(entry.path) is the end of its run")
                XCTAssertEqual(state.curve.count, config.epochs, entry.path)
                continue
            }
            let run = try ECCTCheckpoint.resume(code: code, from: entry.path, workers: 1)
            XCTAssertEqual(run.model.network.parameters.values, model.network.parameters.values, entry.path)
            XCTAssertEqual(
                run.state.step, run.config.epochs * run.config.stepsPerEpoch, "\(entry.path) is the end of its run")
            XCTAssertEqual(run.state.curve.count, run.config.epochs, entry.path)
        }
    }

    /// The shipped BCH-63-45 model (N = 2, d = 32) has fewer bit errors than 5 BP iterations (measured ratio ≈ 0.68).
    func testShippedBCHModelBeatsBP5() throws {
        try checkShippedModelBeats(code: "BCH-63-45", parameters: 33_327, ratio: 0.9)
    }

    /// The shipped BCH-63-45 model for the standard-form H (`--standardize`) has under 0.8 of bp5's bit errors.
    func testShippedStandardFormBCHModelBeatsBP5() throws {
        try checkShippedModelBeats(code: "BCH-63-45-STD", parameters: 33_327, ratio: 0.8)
    }

    /// The shipped POLAR-64-32 model (N = 2, d = 32, 100 epochs) has under half the bit errors of 5 BP
    /// iterations at 5 dB (papers' protocol: BER 5.5e-3 against 1.8e-2).
    func testShippedPolarModelBeatsBP5() throws {
        try checkShippedModelBeats(code: "POLAR-64-32", parameters: 34_849, ratio: 0.5)
    }

    /// The shipped LDPC-49-24 model (N = 2, d = 32), trained on the benchmark file's H, has fewer bit errors than one
    /// BP iteration at 5 dB (measured ratio 0.47 on these frames). On this sparse code BP is the stronger decoder:
    /// bp5 has a quarter of the ECCT's bit errors (see Models/README.md).
    func testShippedLDPCModelBeatsOneBPIteration() throws {
        try checkShippedModelBeats(code: "LDPC-49-24", parameters: 31_855, ratio: 0.7, baseline: "bp1")
    }

    /// The shipped frozen ternary AECCT for BCH-63-45 (N = 2, d = 32) has fewer bit errors than 5 BP iterations.
    func testShippedAECCTBCHModelBeatsBP5() throws {
        try checkShippedModelBeats(code: "BCH-63-45", parameters: 32_715, ratio: 0.9, architecture: "aecct")
    }

    /// The shipped frozen ternary AECCT on the standard-form H of BCH-63-45 (the default ECCT's H) has under 0.8 of
    /// bp5's bit errors (measured at the papers' protocol: −ln BER 5.68 against 4.91 at 5 dB).
    func testShippedStandardFormAECCTBeatsBP5() throws {
        try checkShippedModelBeats(code: "BCH-63-45-STD", parameters: 32_715, ratio: 0.8, architecture: "aecct")
    }

    /// The shipped frozen ternary AECCT for LDPC-49-24 has fewer bit errors than one BP iteration at 5 dB.
    func testShippedAECCTLDPCModelBeatsOneBPIteration() throws {
        try checkShippedModelBeats(
            code: "LDPC-49-24", parameters: 31_275, ratio: 0.8, baseline: "bp1", architecture: "aecct")
    }

    /// Inference runs HPSA as two rings (`MaskedAttention.forwardRings`); the training forward runs the eight-head
    /// kernel under the head mask. On 512 fixed words at 4 dB through the shipped frozen BCH-63-45 AECCT both give the
    /// same hard decisions, and logits within float rounding but for the INT8 rounding flips it can cause.
    func testShippedAECCTDecisionsAreTheSameWithTheRingKernel() throws {
        let code = try Self.code("BCH-63-45")
        let entry = try XCTUnwrap(PretrainedModels.models(for: code, architecture: "aecct").first)
        let model = try ECCTModel.load(code: code, weightsAt: entry.path)
        model.prepare()
        let network = model.network, B = 512, n = code.n
        let rings = try XCTUnwrap(network.encoder.blocks.first?.attention.rings, "HPSA heads make two rings")
        XCTAssertEqual(rings.first.keys.count + rings.second.keys.count, network.encoder.config.pattern.pairCount)
        var rng = SeededRNG(seed: 9)
        let sigma = awgnSigma(ebN0dB: 4, rate: code.rate)
        let y = (0..<(B * n)).map { _ in  // BPSK of the zero word; Box–Muller
            let u = Double.random(in: Double.ulpOfOne..<1, using: &rng), v = Double.random(in: 0..<1, using: &rng)
            return Float(1 + sigma * (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
        }
        func logits(forBackward: Bool) -> [Float] {
            let ws = network.makeWorkspace(batch: B)
            var out = [Float](repeating: 0, count: B * n)
            network.parameters.values.withUnsafeBufferPointer { p in
                network.tokens(channelOutput: y, batch: B, into: ws.scalars)
                network.forward(
                    scalars: ws.scalars, logits: &out, workspace: ws, parameters: p.baseAddress!,
                    call: .init(training: false, forBackward: forBackward))
            }
            return out
        }
        let ringLogits = logits(forBackward: false), masked = logits(forBackward: true)
        let flips = zip(ringLogits, masked).filter { ($0 > 0) != ($1 > 0) }.count
        let diffs = zip(ringLogits, masked).map { abs($0 - $1) }
        let mean = diffs.reduce(0, +) / Float(diffs.count), moved = diffs.filter { $0 > 1e-3 }.count
        print(
            "frozen AECCT, rings vs head-masked kernel: \(flips) decisions differ; |logit difference| max "
                + "\(diffs.max()!), mean \(mean), \(moved) of \(diffs.count) beyond 1e-3")
        XCTAssertEqual(flips, 0)
        // an INT8 activation whose x·s lies within rounding of k + ½ may round the other way (AECCTParityTests): a few
        // logits move by more than float rounding, the mass of them does not
        XCTAssertLessThan(mean, 1e-3)
        XCTAssertLessThan(moved, diffs.count / 50)
    }

    /// Frozen inference fuses every INT8 step into the step producing its input (the norms, the ring kernel) and the
    /// residual sums into the norms: the logits of the shipped frozen AECCTs are those of the separate passes, bit for bit.
    func testShippedAECCTLogitsAreTheSameWithTheINT8StepsFused() throws {
        for name in ["BCH-63-45-STD", "LDPC-49-24"] {
            let code = try Self.code(name)
            let entry = try XCTUnwrap(PretrainedModels.models(for: code, architecture: "aecct").first)
            let model = try ECCTModel.load(code: code, weightsAt: entry.path)
            model.prepare()
            let network = model.network, B = 40, n = code.n
            XCTAssertTrue(
                network.encoder.blocks.allSatisfy { $0.fusesQuantization(.init(training: false, forBackward: false)) })
            var rng = SeededRNG(seed: 4)
            let sigma = awgnSigma(ebN0dB: 3, rate: code.rate)
            let y = (0..<(B * n)).map { _ in
                let u = Double.random(in: Double.ulpOfOne..<1, using: &rng), v = Double.random(in: 0..<1, using: &rng)
                return Float(1 + sigma * (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
            }
            func logits(fused: Bool) -> [Float] {
                let ws = network.makeWorkspace(batch: B)
                var out = [Float](repeating: 0, count: B * n)
                var call = MultiHeadAttention.Call(training: false, forBackward: false)
                call.fusesSteps = fused
                network.parameters.values.withUnsafeBufferPointer { p in
                    network.tokens(channelOutput: y, batch: B, into: ws.scalars)
                    network.forward(
                        scalars: ws.scalars, logits: &out, workspace: ws, parameters: p.baseAddress!, call: call)
                }
                return out
            }
            let fused = logits(fused: true), separate = logits(fused: false)
            XCTAssertEqual(fused.map(\.bitPattern), separate.map(\.bitPattern), name)
            XCTAssertTrue(fused.allSatisfy(\.isFinite) && Set(fused).count > B * n / 2, name)
        }
    }

    /// A catalog code (with `-STD`: in standard form), or a benchmark file's code (LDPC-49-24 ↦ LDPC_N49_K24.alist)
    /// for codes the catalog has no construction for.
    static func code(_ name: String) throws -> LinearCode {
        if name.hasSuffix("-STD") { return try Catalog.code(named: String(name.dropLast(4))).standardized() }
        if let code = try? Catalog.code(named: name) { return code }
        let parts = name.split(separator: "-")
        return try CodeFiles.readCode(path: TestResources.path("\(parts[0])_N\(parts[1])_K\(parts[2]).alist"))
    }

    /// The same 20,000 random codewords at 5 dB through the shipped N2 d32 ECCT and through the baseline (5 BP
    /// iterations unless given): BER(ecct) < ratio · BER(baseline).
    func checkShippedModelBeats(
        code name: String, parameters: Int, ratio: Double, baseline: String = "bp5",
        architecture: String = "ecct"
    ) throws {
        let code = try Self.code(name)
        let entry = try XCTUnwrap(
            PretrainedModels.models(for: code, architecture: architecture).first { $0.layers == 2 && $0.width == 32 },
            "shipped: \(PretrainedModels.all)")
        let model = try ECCTModel.load(code: code, weightsAt: entry.path)
        XCTAssertEqual(model.network.parameters.count, parameters)
        let engine = MonteCarlo(code: code, config: MonteCarloConfig(frames: 20_000, seed: 7))
        let ecct = engine.run(decoder: ECCTDecoder(model: model), channel: .awgn, parameter: 5, pointIndex: 0)
        let base = engine.run(
            decoder: try DecoderRegistry.make(baseline, code: code), channel: .awgn, parameter: 5, pointIndex: 0)
        XCTAssertGreaterThan(base.ber, 0, "\(name): \(baseline) must make errors for the comparison to mean anything")
        XCTAssertLessThan(ecct.ber, ratio * base.ber, "\(name): ECCT BER \(ecct.ber), \(baseline) BER \(base.ber)")
    }
}

/// Shipped models are found from the matrix itself.
final class ModelLookupTests: XCTestCase {
    func testModelsAreFoundByTheFingerprintOfH() throws {
        let catalog = try Catalog.code(named: "BCH-63-45")
        let file = try CodeFiles.readCode(path: TestResources.path("BCH_N63_K45.txt"))
        XCTAssertEqual(
            file.parityCheckFingerprint, catalog.parityCheckFingerprint, "the benchmark file holds the catalog's H")
        XCTAssertFalse(PretrainedModels.models(for: catalog).isEmpty)
        XCTAssertEqual(
            PretrainedModels.models(for: file), PretrainedModels.models(for: catalog), "a file with the same H finds it"
        )
        XCTAssertEqual(
            PretrainedModels.models(for: try catalog.standardized()).map(\.code), ["BCH-63-45-STD"],
            "standard form: another mask, its own model")
        var H = catalog.H
        H.swapRows(0, 1)  // the same code, another H (the same mask here, but rows are tokens: another model input)
        XCTAssertNotEqual(
            LinearCode(name: "BCH-63-45", parityCheck: H).parityCheckFingerprint, catalog.parityCheckFingerprint)
        XCTAssertTrue(PretrainedModels.models(for: LinearCode(name: "BCH-63-45", parityCheck: H)).isEmpty)
        // a code only a file defines: the LDPC-49-24 model is found from the benchmark alist
        let ldpc = try CodeFiles.readCode(path: TestResources.path("LDPC_N49_K24.alist"))
        XCTAssertEqual(PretrainedModels.models(for: ldpc).map(\.code), ["LDPC-49-24"])
    }
}
