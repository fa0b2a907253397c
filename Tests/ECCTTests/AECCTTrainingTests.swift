import Base
import Channels
import Codes
import ECCT
import Foundation
import GF2
import Neural
import TestSupport
import XCTest

/// AECCT training (both phases resume exactly), the freeze, and bad input: files and settings that do not fit get
/// errors naming the field.
final class AECCTTrainingTests: XCTestCase {
    func config(qat: Bool, scope: String = "token", clamp: String? = nil, ternaryScale: String? = nil)
        -> ECCTTrainingConfig
    {
        var c = ECCTTrainingConfig()
        c.epochs = 2; c.stepsPerEpoch = 3; c.batchSize = 16; c.validationWords = 64; c.learningRate = 1e-3; c.seed = 5
        c.architecture = "aecct"
        if qat {
            c.precision = "qat"; c.activationScale = scope; c.clampGradient = clamp; c.ternaryScale = ternaryScale
        }
        return c
    }

    func phaseOne(_ code: LinearCode, path: String) throws -> ECCTTrainer {
        let t = try ECCTTrainer(
            model: try ECCTModel.aecct(code: code, layers: 2, width: 16, seed: 1), config: config(qat: false),
            workers: 2)
        XCTAssertEqual(try t.train(checkpoint: path), .finished)
        return t
    }

    /// Returns the uninterrupted run's final parameters.
    @discardableResult
    func assertResumesExactly(code: LinearCode, config: ECCTTrainingConfig, makeModel: () throws -> ECCTModel) throws
        -> [Float]
    {
        let straight = try ECCTTrainer(model: try makeModel(), config: config, workers: 2)
        XCTAssertEqual(try straight.train(checkpoint: nil), .finished)
        let path = temp("aecct-resume.safetensors")
        var run = try ECCTTrainer(model: try makeModel(), config: config, workers: 2)
        var resumes = 0
        while try run.train(deadline: .distantPast, checkpoint: path) == .outOfTime {
            run = try ECCTCheckpoint.resume(code: code, from: path, workers: 2)
            resumes += 1
        }
        XCTAssertEqual(resumes, config.epochs * config.stepsPerEpoch - 1)
        XCTAssertEqual(run.model.architecture, straight.model.architecture)
        XCTAssertEqual(run.model.network.parameters.values, straight.model.network.parameters.values)
        XCTAssertEqual(run.optimizer.m, straight.optimizer.m)
        XCTAssertEqual(run.state.curve.map(\.validationBER), straight.state.curve.map(\.validationBER))
        return straight.model.network.parameters.values
    }

    func testBothPhasesResumeExactlyAndFreeze() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        try assertResumesExactly(code: code, config: config(qat: false)) {
            try ECCTModel.aecct(code: code, layers: 2, width: 16, seed: 1)
        }
        let p1 = temp("aecct-p1.safetensors")
        let one = try phaseOne(code, path: p1)
        XCTAssertTrue(one.model.network.parameters.values.allSatisfy(\.isFinite))
        var trained: [String: [Float]] = [:]
        for scope in ["token", "tensor"] {
            trained[scope] = try assertResumesExactly(code: code, config: config(qat: true, scope: scope)) {
                try ECCTModel.qatFromPhaseOne(
                    code: code, path: p1, scope: scope == "tensor" ? .tensor : .token,
                    attentionDropout: 0.1, seed: 2)
            }
        }
        // the inclusive straight-through rule (weights at ±1 learn too) resumes as such, and trains otherwise
        let inclusive = try assertResumesExactly(code: code, config: config(qat: true, clamp: "inclusive")) {
            try ECCTModel.qatFromPhaseOne(
                code: code, path: p1, scope: .token, attentionDropout: 0.1, seed: 2, clampGradient: .inclusive)
        }
        XCTAssertNotEqual(inclusive, trained["token"])
        // phase 2 starts from phase 1's weights with δ = 1
        let qat = try ECCTModel.qatFromPhaseOne(code: code, path: p1, scope: .token, attentionDropout: 0.1, seed: 2)
        XCTAssertEqual(Array(qat.network.parameters["src_embed"]), Array(one.model.network.parameters["src_embed"]))
        XCTAssertEqual(Array(qat.network.parameters["decoder.layers.1.feed_forward.w_2.delta"]), [1])
        // the frozen model holds W_t ∈ {−1, 0, 1} and decodes like the QAT model (rounding aside)
        try assertFreezesAndAgrees(qat, code: code, name: "aecct-p2.safetensors")
    }

    /// One γ, δ, s_w per row: phase 2 resumes exactly (the shapes of δ tell the kind), and freezes to per-row s_w that
    /// decode like the QAT model.
    func testRowScalesResumeAndFreeze() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        let p1 = temp("aecct-row-p1.safetensors")
        _ = try phaseOne(code, path: p1)
        let make = {
            try ECCTModel.qatFromPhaseOne(
                code: code, path: p1, scope: .token, attentionDropout: 0.1, seed: 2, clampGradient: .inclusive,
                rowScales: true)
        }
        let trained = try assertResumesExactly(
            code: code, config: config(qat: true, clamp: "inclusive", ternaryScale: "row"), makeModel: make)
        let qat = try make()
        XCTAssertEqual(qat.network.parameters["decoder.layers.0.feed_forward.w_1.delta"].count, 4 * 16)
        try qat.load(
            Dictionary(
                uniqueKeysWithValues: qat.network.parameters.entries.map {
                    ($0.name, Tensor(shape: $0.shape, values: Array(trained[$0.offset..<($0.offset + $0.count)])))
                }), source: "trained")
        let frozen = try assertFreezesAndAgrees(qat, code: code, name: "aecct-row-p2.safetensors")
        XCTAssertEqual(frozen["decoder.layers.0.feed_forward.w_1.s_w"]?.shape, [4 * 16])
        XCTAssertGreaterThan(Set(frozen["decoder.layers.0.feed_forward.w_1.s_w"]!.values).count, 1)
        var c = config(qat: true, ternaryScale: "column")
        assertError(try c.validate(), contains: ["ternary scale 'column'", "matrix or row"])
        c = config(qat: false); c.ternaryScale = "row"
        assertError(try c.validate(), contains: ["ternary scale 'row'", "qat"])
    }

    /// Saves `qat`, freezes it, loads the frozen model and checks that it decides as the QAT model on 256 words at
    /// 3 dB (> 99% of the bits). Returns the frozen tensors.
    @discardableResult
    func assertFreezesAndAgrees(_ qat: ECCTModel, code: LinearCode, name: String) throws -> [String: Tensor] {
        let p2 = temp(name)
        try ECCTCheckpoint.save(model: qat, optimizer: nil, config: nil, state: nil, to: p2)
        let frozen = try AECCTFreezer.freeze(try SafeTensors.read(path: p2).tensors, source: p2)
        XCTAssertTrue(
            frozen["decoder.layers.0.self_attn.linears.2.weight"]!.values.allSatisfy { [-1, 0, 1].contains($0) })
        let f = try ECCTModel.loadAECCT(code: code, tensors: frozen, source: "frozen")
        XCTAssertEqual(f.architecture, .aecct(.frozen, .token))
        var rng = SeededRNG(seed: 3)
        let y = ECCTData.channelOutputs(code: code, count: 256, ebN0: [3], rng: &rng)
        var tokens = [Float](repeating: 0, count: 256 * qat.length)
        qat.tokens(channelOutput: y, batch: 256, into: &tokens)
        let n = code.n, m = code.m, L = qat.length
        let magnitude = (0..<(256 * n)).map { tokens[($0 / n) * L + $0 % n] },
            syndrome = (0..<(256 * m)).map { tokens[($0 / m) * L + n + $0 % m] }
        let a = qat.logits(magnitude: magnitude, syndrome: syndrome, batch: 256),
            b = f.logits(magnitude: magnitude, syndrome: syndrome, batch: 256)
        let agree = zip(a, b).filter { ($0 < 0) == ($1 < 0) }.count
        XCTAssertGreaterThan(Double(agree) / Double(a.count), 0.99, "frozen and QAT decisions")
        return frozen
    }

    func testBadFilesAndSettingsNameTheField() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        let p1 = temp("aecct-bad-p1.safetensors")
        _ = try phaseOne(code, path: p1)
        var tensors = try SafeTensors.read(path: p1).tensors
        // a W_t entry of 0.5 in a frozen file
        let frozen = try AECCTFreezer.freeze(try qatTensors(code: code, p1: p1), source: "x")
        var broken = frozen
        var w = broken["decoder.layers.1.self_attn.linears.0.weight"]!
        w.values[5] = 0.5
        broken["decoder.layers.1.self_attn.linears.0.weight"] = w
        assertError(
            try ECCTModel.loadAECCT(code: code, tensors: broken, source: "f.safetensors"),
            contains: ["f.safetensors", "decoder.layers.1.self_attn.linears.0.weight", "entry 5", "0.5"])
        var badScale = frozen
        badScale["decoder.layers.0.feed_forward.w_2.s_w"] = Tensor(shape: [1], values: [-2])
        assertError(try ECCTModel.loadAECCT(code: code, tensors: badScale, source: "f"), contains: ["w_2.s_w", "-2.0"])
        // a missing lpe, and an lpe of another code
        tensors.removeValue(forKey: "lpe")
        let noTable = temp("aecct-nolpe.safetensors")
        try SafeTensors.write(tensors, to: noTable)
        assertError(try ECCTModel.load(code: code, weightsAt: noTable), contains: ["lpe"])
        assertError(
            try ECCTModel.load(code: try Catalog.code(named: "BCH-31-16"), weightsAt: p1),
            contains: ["lpe", "[10, 10, 2]"])
        // --qat-from: another code, an ECCT file; quantize of a phase-1 file; the wrong mode
        assertError(
            try ECCTModel.qatFromPhaseOne(
                code: try Catalog.code(named: "GOLAY-24-12"), path: p1, scope: .token,
                attentionDropout: 0.1, seed: 1), contains: ["another parity-check matrix"])
        let ecct = temp("ecct-for-aecct.safetensors")
        try ECCTCheckpoint.save(
            model: try ECCTModel(code: code, layers: 1, width: 8), optimizer: nil, config: nil, state: nil, to: ecct)
        assertError(
            try ECCTModel.qatFromPhaseOne(code: code, path: ecct, scope: .token, attentionDropout: 0.1, seed: 1),
            contains: ["not an AECCT"])
        assertError(try ECCTModel.load(code: code, weightsAt: ecct, precision: .qat), contains: ["ECCT file"])
        assertError(
            try AECCTFreezer.freeze(try SafeTensors.read(path: p1).tensors, source: p1), contains: ["not a QAT AECCT"])
        assertError(try ECCTModel.load(code: code, weightsAt: p1, precision: .frozen), contains: ["not frozen"])
        // settings
        var c = config(qat: false); c.precision = "int4"
        assertError(try c.validate(), contains: ["precision 'int4'"])
        c = ECCTTrainingConfig(); c.activationScale = "token"
        assertError(try c.validate(), contains: ["activation scale", "aecct"])
        c = config(qat: false); c.clampGradient = "inclusive"
        assertError(try c.validate(), contains: ["clamp gradient 'inclusive'", "qat"])
        c = config(qat: true, clamp: "loose")
        assertError(try c.validate(), contains: ["clamp gradient 'loose'", "strict or inclusive"])
        assertError(
            try ECCTTrainer(
                model: try ECCTModel(code: code, layers: 1, width: 8), config: config(qat: false), workers: 1),
            contains: ["the model is ecct"])
        assertError(try ECCTModel.aecct(code: code, layers: 1, width: 8), contains: ["exceed the 8 spectral channels"])
    }

    func qatTensors(code: LinearCode, p1: String) throws -> [String: Tensor] {
        let qat = try ECCTModel.qatFromPhaseOne(code: code, path: p1, scope: .token, attentionDropout: 0.1, seed: 2)
        var t = qat.network.parameters.tensors
        t["lpe"] = qat.spectralTableTensor
        return t
    }

    /// A bit in no check has no first-ring keys: HPSA's first-ring heads give it a zero output (the reference's −1e9
    /// fill would give the mean over all checks). The model still decodes, with finite logits, on every kernel path.
    func testIsolatedBitDecodesWithFiniteLogits() throws {
        // Hamming(7,4) H with an eighth bit in no check
        let H = BitMatrix(rows: [[1, 1, 0, 1, 1, 0, 0, 0], [1, 0, 1, 1, 0, 1, 0, 0], [0, 1, 1, 1, 0, 0, 1, 0]])
        let code = LinearCode(name: "isolated", parityCheck: H)
        let model = try ECCTModel.aecct(code: code, layers: 2, width: 16, seed: 3)
        let mask = try XCTUnwrap(model.network.encoder.config.headMask)
        let pattern = model.network.encoder.config.pattern
        let firstRing = (pattern.rowStart[7]..<pattern.rowStart[8]).map { mask[$0 * 8] }
        XCTAssertEqual(firstRing, [0], "bit 7's only key (itself) is second-ring")
        var rng = SeededRNG(seed: 1)
        let y = ECCTData.channelOutputs(code: code, count: 64, ebN0: [2], rng: &rng)
        var logits = [Float](repeating: 0, count: 64 * 8)
        let ws = model.network.makeWorkspace(batch: 64)
        model.network.parameters.values.withUnsafeBufferPointer {
            model.network.infer(input: y, logits: &logits, count: 64, workspace: ws, parameters: $0.baseAddress!)
        }
        XCTAssertTrue(logits.allSatisfy(\.isFinite))
    }
}
