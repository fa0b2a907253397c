import Base
import Channels
import Codes
import ECCT
import Foundation
import GF2
import Neural
import TestSupport
import XCTest

/// The ECCT trainer, checkpoints and decoder on small codes.
final class TrainingTests: XCTestCase {
    func tinyConfig() -> ECCTTrainingConfig {
        var c = ECCTTrainingConfig()
        c.epochs = 3; c.stepsPerEpoch = 4; c.batchSize = 16; c.validationWords = 64; c.learningRate = 1e-3; c.seed = 5
        return c
    }

    /// Tokens: |y|, then +1 for a satisfied check and −1 for a violated one, against H · hard(y).
    func testTokensAreMagnitudeAndSyndrome() throws {
        let code = try Catalog.code(named: "BCH-31-16")
        let model = try ECCTModel(code: code, layers: 1, width: 8)
        var rng = SeededRNG(seed: 3)
        let B = 5, n = code.n, L = n + code.m
        let y = (0..<(B * n)).map { _ in Float(rng.nextFloat() * 4 - 2) }
        var tokens = [Float](repeating: .nan, count: B * L)
        model.tokens(channelOutput: y, batch: B, into: &tokens)
        for b in 0..<B {
            var hard = BitVector(count: n)
            for j in 0..<n {
                XCTAssertEqual(tokens[b * L + j], abs(y[b * n + j]))
                if y[b * n + j] < 0 { hard[j] = true }
            }
            let s = code.syndrome(hard)
            for i in 0..<code.m { XCTAssertEqual(tokens[b * L + n + i], s[i] ? -1 : 1, "word \(b) check \(i)") }
        }
    }

    /// Zero-codeword samples: y = 1 + σz with the σ of the chosen Eb/N0 (mean and variance within 5 standard errors).
    func testTrainingDataHasTheChannelStatistics() throws {
        let code = try Catalog.code(named: "BCH-63-45")
        var rng = SeededRNG(seed: 11)
        let count = 4000, N = Double(count * code.n)
        let y = ECCTData.channelOutputs(code: code, count: count, ebN0: [4], rng: &rng)
        let sigma = awgnSigma(ebN0dB: 4, rate: code.rate)
        let mean = y.reduce(0.0) { $0 + Double($1) } / N
        let variance = y.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / N
        XCTAssertEqual(mean, 1, accuracy: 5 * sigma / N.squareRoot())
        XCTAssertEqual(variance, sigma * sigma, accuracy: 5 * sigma * sigma * (2 / N).squareRoot())
    }

    /// A run stopped after every single step and resumed from its checkpoint ends bit-identical to an
    /// uninterrupted run: weights, Adam state and learning curve.
    func testResumeContinuesExactly() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        let config = tinyConfig()
        let straight = try ECCTTrainer(
            model: try ECCTModel(code: code, layers: 2, width: 8, seed: 1), config: config, workers: 2)
        XCTAssertEqual(try straight.train(checkpoint: nil), .finished)

        let path = temp("resume.safetensors")
        var run = try ECCTTrainer(
            model: try ECCTModel(code: code, layers: 2, width: 8, seed: 1), config: config, workers: 2)
        var resumes = 0
        while try run.train(deadline: .distantPast, checkpoint: path) == .outOfTime {
            run = try ECCTCheckpoint.resume(code: code, from: path, workers: 2)
            resumes += 1
        }
        XCTAssertEqual(resumes, config.epochs * config.stepsPerEpoch - 1)
        XCTAssertEqual(run.model.network.parameters.values, straight.model.network.parameters.values)
        XCTAssertEqual(run.optimizer.m, straight.optimizer.m)
        XCTAssertEqual(run.optimizer.v, straight.optimizer.v)
        XCTAssertEqual(run.optimizer.step, straight.optimizer.step)
        XCTAssertEqual(run.state.curve.map(\.loss), straight.state.curve.map(\.loss))
        XCTAssertEqual(run.state.curve.map(\.validationBER), straight.state.curve.map(\.validationBER))
        XCTAssertEqual(
            run.state.curve.map(\.learningRate), [1e-3, config.learningRate(epoch: 1), config.learningRate(epoch: 2)])
    }

    /// Training lowers the loss and beats the hard decision on a fixed validation set (Hamming(7,4), 6 dB).
    func testTrainingLearns() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        var config = ECCTTrainingConfig()
        config.epochs = 6; config.stepsPerEpoch = 50; config.batchSize = 64; config.learningRate = 3e-3
        config.validationEbN0 = [6]; config.validationWords = 20_000; config.seed = 2
        let trainer = try ECCTTrainer(
            model: try ECCTModel(code: code, layers: 1, width: 16, seed: 2), config: config, workers: 2)
        _ = try trainer.train(checkpoint: nil)
        let curve = trainer.state.curve
        XCTAssertEqual(curve.count, 6)
        XCTAssertLessThan(curve.last!.loss, 0.7 * curve.first!.loss, "losses \(curve.map(\.loss))")
        // hard-decision BER at 6 dB, R = 4/7: Q(1/σ); with 140k bits its standard error is ≈ 1.6e-4
        let sigma = awgnSigma(ebN0dB: 6, rate: code.rate)
        let hard = 0.5 * erfc(1 / sigma / 2.0.squareRoot())
        let ber = curve.last!.validationBER[0]
        XCTAssertLessThan(ber, hard - 5 * (hard / 140_000).squareRoot(), "ECCT BER \(ber) vs hard decision \(hard)")
    }

    /// The decoder's decision is sign(f)·sign(y), whatever the LLR scale it is given.
    func testDecoderDecidesSignOfLogitTimesSignOfY() throws {
        let code = try Catalog.code(named: "BCH-31-16")
        let model = try ECCTModel(code: code, layers: 1, width: 16, seed: 9)
        let decoder = ECCTDecoder(model: model, chunk: 7)
        var rng = SeededRNG(seed: 4)
        let B = 20, n = code.n
        let y = ECCTData.channelOutputs(code: code, count: B, ebN0: [2], rng: &rng)
        let f = model.logits(channelOutput: y, batch: B)
        let expected = (0..<(B * n)).map { UInt8((f[$0] < 0) != (y[$0] < 0) ? 1 : 0) }
        XCTAssertEqual(decoder.decode(llr: y, n: n), expected)
        let scale: Float = 2 / 0.7
        let llr = y.map { $0 * scale }
        var bits = [UInt8](repeating: 9, count: B * n)
        llr.withUnsafeBufferPointer { l in
            bits.withUnsafeMutableBufferPointer { decoder.decode(llr: l, count: B, llrScale: scale, into: $0) }
        }
        XCTAssertEqual(bits, expected)
    }

    func testCheckpointErrorsAreClear() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        let model = try ECCTModel(code: code, layers: 1, width: 8)
        let weightsOnly = temp("weights.safetensors")
        try SafeTensors.write(model.network.parameters.tensors, to: weightsOnly)
        XCTAssertThrowsError(try ECCTCheckpoint.resume(code: code, from: weightsOnly, workers: 1)) {
            XCTAssertTrue("\($0)".contains("not an eccbench ECCT checkpoint"), "\($0)")
        }
        let loaded = try ECCTModel.load(code: code, weightsAt: weightsOnly)
        XCTAssertEqual(loaded.layers, 1); XCTAssertEqual(loaded.width, 8)
        XCTAssertEqual(loaded.network.parameters.values, model.network.parameters.values)
        XCTAssertThrowsError(try ECCTModel.load(code: code, weightsAt: weightsOnly, layers: 2)) {
            XCTAssertTrue("\($0)".contains("N = 1 layers"), "\($0)")
        }
        let other = try Catalog.code(named: "BCH-31-16")
        XCTAssertThrowsError(try ECCTModel.load(code: other, weightsAt: weightsOnly)) {
            XCTAssertTrue("\($0)".contains("'src_embed' has 10 tokens") && "\($0)".contains("BCH-31-16"), "\($0)")
        }
        let checkpoint = temp("ckpt.safetensors")
        let trainer = try ECCTTrainer(model: model, config: tinyConfig(), workers: 1)
        try trainer.save(to: checkpoint)
        XCTAssertThrowsError(try ECCTCheckpoint.resume(code: other, from: checkpoint, workers: 1)) {
            XCTAssertTrue("\($0)".contains("trained on HAMMING-7-4"), "\($0)")
        }
        var bad = tinyConfig(); bad.batchSize = 0
        XCTAssertThrowsError(try ECCTTrainer(model: model, config: bad, workers: 1)) {
            XCTAssertTrue("\($0)".contains("batch size 0"), "\($0)")
        }
    }

    /// Any code, including an H with redundant rows (m > n − k): one syndrome token per row, and the parameter
    /// count of docs/DESIGN.md §3: (n+m)d + N(12d² + 13d) + 2d [N > 1] + 2d + (d + 1) + (n+m)n + n.
    func testAnyCodeAndSizeHaveTheDesignParameterCount() throws {
        let hamming = try Catalog.code(named: "HAMMING-7-4")
        var rows = (0..<3).map { r in (0..<7).map { UInt8(hamming.H[r, $0] ? 1 : 0) } }
        rows.append((0..<7).map { rows[0][$0] ^ rows[1][$0] })  // a redundant check
        let redundant = LinearCode(name: "redundant", parityCheck: BitMatrix(rows: rows))
        XCTAssertEqual(redundant.m, 4); XCTAssertEqual(redundant.k, 4)
        for (code, N, d) in [
            (redundant, 1, 8), (try Catalog.code(named: "CCSDS-128-64"), 2, 16),
            (try Catalog.code(named: "BCH-63-45"), 6, 128),
        ] {
            let model = try ECCTModel(code: code, layers: N, width: d)
            let n = code.n, L = code.n + code.m
            let expected = L * d + N * (12 * d * d + 13 * d) + (N > 1 ? 2 * d : 0) + 2 * d + (d + 1) + L * n + n
            XCTAssertEqual(model.network.parameters.count, expected, "\(code.name) N=\(N) d=\(d)")
        }
        let model = try ECCTModel(code: redundant, layers: 1, width: 8)
        let y: [Float] = [0.9, -0.2, 1.1, 0.7, -1.3, 0.4, 0.8]
        var tokens = [Float](repeating: 0, count: 11)
        model.tokens(channelOutput: y, batch: 1, into: &tokens)
        XCTAssertEqual(Array(tokens[7...]).count, 4)
        XCTAssertEqual(
            tokens[10], tokens[7] * tokens[8], "the redundant check's sign is the product of the two it sums")
    }
}
