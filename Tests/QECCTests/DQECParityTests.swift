import Base
import Foundation
import GF2
import Neural
import TestSupport
import XCTest

@testable import QECC

/// The neural quantum decoder against the reference PyTorch code (yoniLc/DQEC) on the fixture
/// dqec-toric4-depol-N2-d32-h8: toric L = 4, depolarising, N = 2, d = 32, 8 heads, 64 syndromes.
final class DQECParityTests: XCTestCase {
    func fixture() throws -> (model: DQECModel, io: [String: SafeTensors.Tensor]) {
        let problem = try DecodingProblem(code: try CSSCode.toric(4), noise: .depolarizing)
        let model = try DQECModel.load(
            problem: problem, weightsAt: TestResources.path("dqec-toric4-depol-N2-d32-h8/weights.safetensors"),
            heads: 8)
        let io = try SafeTensors.read(path: TestResources.path("dqec-toric4-depol-N2-d32-h8/io.safetensors")).tensors
        return (model, io)
    }

    func testNoiseEstimateAndLogitsMatchTheReference() throws {
        let (model, io) = try fixture()
        XCTAssertEqual(model.layers, 2)
        XCTAssertEqual(model.width, 32)
        let s = try XCTUnwrap(io["syndrome"]), B = s.shape[0]
        let (g, f) = model.run(syndromes: s.values, batch: B)
        let gRef = try XCTUnwrap(io["noise_estimate"]), zRef = try XCTUnwrap(io["logits"])
        XCTAssertEqual(gRef.shape, [B, 64])
        var worstG: Float = 0, worstF: Float = 0
        for i in 0..<(B * 64) {
            worstG = max(worstG, abs(g[i] - gRef.values[i]))
            worstF = max(worstF, abs(-f[i] - zRef.values[i]))  // the fixture holds the reference output z = −f
        }
        XCTAssertLessThan(worstG, 1e-4, "noise estimate")
        XCTAssertLessThan(worstF, 1e-4, "logits")
    }

    /// Repeated measurements against the reference's `Model_T_measurements.py` (fixture
    /// dqec-toric4-indep-T3-N3-d16-h4, made by `scripts/dqec_rounds_fixture.py`: toric L = 4, independent noise,
    /// T = 3 rounds of difference syndromes drawn by the reference's dataset at p = q = 0.03, N = 3 so that the
    /// split after ⌊N/2⌋ = 1 layer is tested, d = 16, 4 heads, 16 samples): H, the round-averaged noise estimate,
    /// the logits and the training loss (its three terms as Main.py weighs them).
    func testRepeatedMeasurementsMatchTheReference() throws {
        let dir = "dqec-toric4-indep-T3-N3-d16-h4"
        let problem = try DecodingProblem(code: try CSSCode.toric(4), noise: .independent, rounds: 3)
        let model = try DQECModel.load(
            problem: problem, weightsAt: TestResources.path("\(dir)/weights.safetensors"), heads: 4)
        let io = try SafeTensors.read(path: TestResources.path("\(dir)/io.safetensors")).tensors
        XCTAssertEqual(model.layers, 3)
        let n = problem.errorLength, m = problem.syndromeLength
        let H = try XCTUnwrap(io["H"]), s = try XCTUnwrap(io["syndrome"]), e = try XCTUnwrap(io["errors"])
        XCTAssertEqual(H.shape, [m, n])
        for r in 0..<m {
            for c in 0..<n { XCTAssertEqual(H.values[r * n + c] != 0, problem.checkMatrix[r, c], "H[\(r), \(c)]") }
        }
        XCTAssertEqual(s.shape, [16, 3, m])
        let B = s.shape[0]
        let (g, f) = model.run(syndromes: s.values, batch: B)
        let gRef = try XCTUnwrap(io["noise_estimate"]), zRef = try XCTUnwrap(io["logits"])
        var worstG: Float = 0, worstF: Float = 0
        for i in 0..<(B * n) {
            worstG = max(worstG, abs(g[i] - gRef.values[i]))
            worstF = max(worstF, abs(-f[i] - zRef.values[i]))
        }
        XCTAssertLessThan(worstG, 1e-4, "noise estimate")
        XCTAssertLessThan(worstF, 1e-4, "logits")

        let network = model.network, ws = network.makeWorkspace(batch: B)
        let loss = network.parameters.values.withUnsafeBufferPointer { p in
            s.values.withUnsafeBufferPointer { sp in
                network.forward(
                    syndrome: sp.baseAddress!, workspace: ws, parameters: p.baseAddress!,
                    call: .init(training: false, forBackward: false))
            }
            return e.values.withUnsafeBufferPointer {
                network.loss(errors: $0.baseAddress!, count: B, batchSize: B, workspace: ws)
            }
        }
        let lossRef = try XCTUnwrap(io["loss"]).values[0]
        XCTAssertEqual(loss, Double(lossRef), accuracy: 1e-5 * Double(lossRef), "training loss")
    }
}

/// Finite-difference checks: the logical-parity loss alone, and the whole model's loss with respect to every
/// parameter (a small toric-2 model; central differences of the Float loss). The step is small (5e-4): a token
/// g·E[l] goes through a LayerNorm, which is scale-invariant, so the loss turns sharply where g crosses 0 (within
/// √ε_LN ≈ 3e-3), and a step of 8e-3 misses the slope by 25% there.
final class DQECGradientTests: XCTestCase {
    func testLogicalParityLossGradient() {
        for input in [LogicalParityLoss.Input.probabilityAsLogit, .probability] { checkLogicalParityLoss(input) }
    }

    func checkLogicalParityLoss(_ input: LogicalParityLoss.Input) {
        let supports = [[0, 2, 3], [1, 4], [0, 1, 2, 3, 4]]
        let loss = LogicalParityLoss(supports: supports, bits: 5, input: input)
        let B = 3
        var seed: UInt64 = 5
        let f = GradientCheck.random(B * 5, seed: &seed, scale: 3)
        let e: [Float] = (0..<(B * 5)).map { Float(($0 * 7 + 3) % 3 == 0 ? 1 : 0) }
        GradientCheck(eps: 1e-2, atol: 1e-4, rtol: 1e-2).check(
            "L_LER \(input)", inputs: [f],
            forward: { x in
                [
                    Float(
                        x[0].withUnsafeBufferPointer { fb in
                            e.withUnsafeBufferPointer {
                                loss.forwardBackward(
                                    logits: fb.baseAddress!, errors: $0.baseAddress!, count: B, dLogits: nil)
                            }
                        })
                ]
            },
            backward: { x, dy in
                var d = [Float](repeating: 0, count: B * 5)
                _ = x[0].withUnsafeBufferPointer { fb in
                    e.withUnsafeBufferPointer { eb in
                        d.withUnsafeMutableBufferPointer {
                            loss.forwardBackward(
                                logits: fb.baseAddress!, errors: eb.baseAddress!, count: B, dLogits: $0.baseAddress!,
                                scale: dy[0])
                        }
                    }
                }
                return [d]
            })
    }

    func testWholeModelGradient() throws {
        let problem = try DecodingProblem(code: try CSSCode.toric(2), noise: .depolarizing)
        let model = try DQECModel(problem: problem, layers: 2, width: 8, heads: 2, seed: 3)
        let net = model.network
        let B = 3, n = net.n
        var rng = SeededRNG(seed: 2)
        let errors: [Float] = (0..<(B * n)).map { _ in rng.nextDouble() < 0.2 ? 1 : 0 }
        let H = problem.checkMatrix
        var syndromes: [Float] = []
        for b in 0..<B {
            let e = GF2.BitVector(bits: errors[(b * n)..<((b + 1) * n)].map { $0 != 0 ? 1 : 0 })
            syndromes += H.multiply(e).bits.map { $0 == 1 ? -1 : 1 }
        }
        let ws = net.makeWorkspace(batch: B)
        func lossAndGradient(_ params: [Float]) -> (Double, [Float]) {
            sliceLossAndGradient(net, workspace: ws, syndromes: syndromes, errors: errors, batch: B, parameters: params)
        }
        let base = net.parameters.values
        let (_, analytic) = lossAndGradient(base)
        // Every parameter tensor: its largest-gradient entries and a few others, by central differences in Double.
        var worst = 0.0, worstName = ""
        for entry in net.parameters.entries {
            let indices =
                (0..<entry.count).sorted { abs(analytic[entry.offset + $0]) > abs(analytic[entry.offset + $1]) }.prefix(
                    3)
                + [0, entry.count / 2, entry.count - 1]
            let scale = (0..<entry.count).map { Double(abs(analytic[entry.offset + $0])) }.max()! + 1e-6
            for i in Set(indices) {
                let k = entry.offset + i, eps: Float = 5e-4
                var plus = base, minus = base
                plus[k] += eps; minus[k] -= eps
                let numeric = (lossAndGradient(plus).0 - lossAndGradient(minus).0) / Double(2 * eps)
                let error = abs(numeric - Double(analytic[k])) / max(scale, 1e-2)
                if error > worst {
                    worst = error;
                    worstName = "\(entry.name)[\(i)] analytic \(analytic[k]) numeric \(numeric) scale \(scale)"
                }
                XCTAssertLessThan(error, 1e-2, "\(entry.name)[\(i)]: analytic \(analytic[k]) numeric \(numeric)")
            }
        }
        print("DQEC whole-model gradient: worst error relative to each tensor's largest entry \(worst) at \(worstName)")
    }
}

extension DQECGradientTests {
    /// With T rounds: the per-round first half, the round mean before the mid norm, the second half once; the whole
    /// gradient by central differences, and a forward check against running the blocks by hand.
    func testRoundsModelGradient() throws {
        let problem = try DecodingProblem(code: try CSSCode.toric(2), noise: .independent, rounds: 3)
        let model = try DQECModel(problem: problem, layers: 2, width: 8, heads: 2, seed: 9)
        let net = model.network
        XCTAssertEqual(net.inputWidth, 3 * net.m)
        let B = 2, n = net.n
        var rng = SeededRNG(seed: 3)
        let sampler = try NoiseSampler(problem: problem, p: 0.15)
        var e = [UInt8](repeating: 0, count: B * n), d = [UInt8](repeating: 0, count: B * net.inputWidth)
        e.withUnsafeMutableBufferPointer { eb in
            d.withUnsafeMutableBufferPointer { sampler.sample(count: B, rng: &rng, errors: eb, detections: $0) }
        }
        let syndromes = d.map { $0 == 0 ? Float(1) : -1 }, errors = e.map(Float.init)
        let ws = net.makeWorkspace(batch: B)
        func lossAndGradient(_ params: [Float]) -> (Double, [Float]) {
            sliceLossAndGradient(net, workspace: ws, syndromes: syndromes, errors: errors, batch: B, parameters: params)
        }
        let base = net.parameters.values
        let (_, analytic) = lossAndGradient(base)
        for entry in net.parameters.entries {
            let scale = (0..<entry.count).map { Double(abs(analytic[entry.offset + $0])) }.max()! + 1e-6
            let i = (0..<entry.count).max { abs(analytic[entry.offset + $0]) < abs(analytic[entry.offset + $1]) }!
            let k = entry.offset + i, eps: Float = 5e-4
            var plus = base, minus = base
            plus[k] += eps; minus[k] -= eps
            let numeric = (lossAndGradient(plus).0 - lossAndGradient(minus).0) / Double(2 * eps)
            XCTAssertLessThan(
                abs(numeric - Double(analytic[k])) / max(scale, 1e-2), 1e-2,
                "\(entry.name)[\(i)]: analytic \(analytic[k]) numeric \(numeric)")
        }
        // Identical rounds: the round mean of equal streams is that stream, so the output equals a one-round model's
        // on the same syndrome with the same weights.
        let single = try DQECModel(
            problem: try DecodingProblem(code: try CSSCode.toric(2), noise: .independent), layers: 2,
            width: 8, heads: 2, seed: 9)
        let s1: [Float] = (0..<net.m).map { $0 % 3 == 0 ? -1 : 1 }
        let repeated = s1 + s1 + s1
        let a = model.run(syndromes: repeated, batch: 1).logits, b = single.run(syndromes: s1, batch: 1).logits
        for j in 0..<n { XCTAssertEqual(a[j], b[j], accuracy: 1e-5, "bit \(j)") }
    }
}

/// The loss of one training slice and its parameter gradient, for finite-difference checks.
func sliceLossAndGradient(
    _ net: DQECNetwork, workspace ws: DQECNetwork.Workspace, syndromes: [Float], errors: [Float], batch B: Int,
    parameters params: [Float]
) -> (Double, [Float]) {
    var g = [Float](repeating: 0, count: params.count), logits = [Float](repeating: 0, count: B * net.n)
    let loss = params.withUnsafeBufferPointer { p in
        syndromes.withUnsafeBufferPointer { s in
            errors.withUnsafeBufferPointer { t in
                logits.withUnsafeMutableBufferPointer { l in
                    g.withUnsafeMutableBufferPointer { gb in
                        net.trainSlice(
                            TrainingSlice(
                                input: s.baseAddress!, targets: t.baseAddress!, logits: l.baseAddress!, count: B,
                                batchOffset: 0, batchSize: B, seed: 1, step: 0),
                            workspace: ws, parameters: p.baseAddress!, gradients: gb.baseAddress!)
                    }
                }
            }
        }
    }
    return (loss, g)
}
