import Base
import Foundation
import Neural
import TestSupport
import XCTest

@testable import LearnedCodes

/// Finite-difference checks of the learned-code pieces: the overlap matrix M(H), the H-aware head, and the whole
/// model's loss with respect to every decoder parameter and to a real-valued H (through φ(M) and the head; the
/// syndrome stays that of the binary code, as the reference's table lookup passes no gradient). Ω itself has the
/// straight-through gradient, which finite differences cannot see: the fixture's parity test covers it.
final class DCECCTGradientTests: XCTestCase {
    func random(_ count: Int, _ seed: UInt64, scale: Float = 1) -> [Float] {
        var s = seed
        return GradientCheck.random(count, seed: &s, scale: scale)
    }

    func testOverlapMatrixGradient() {
        let m = 3, n = 5
        GradientCheck(eps: 1e-2, atol: 1e-4, rtol: 1e-3).check(
            "M(H)", inputs: [random(m * n, 3)],
            forward: { x in
                var M = [Float](repeating: 0, count: (n + m) * (n + m))
                OverlapMatrix.forward(H: x[0], m: m, n: n, into: &M)
                return M
            },
            backward: { x, dM in
                var dH = [Float](repeating: 0, count: m * n)
                OverlapMatrix.backward(dM: dM, H: x[0], m: m, n: n, dH: &dH)
                return [dH]
            })
        // integer overlap counts for a 0/1 H: HᵀH's diagonal is each bit's check count
        let H: [Float] = [1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 1]
        var M = [Float](repeating: 0, count: 64)
        OverlapMatrix.forward(H: H, m: 3, n: 5, into: &M)
        XCTAssertEqual((0..<5).map { M[$0 * 8 + $0] }, [2, 2, 2, 1, 2])
        XCTAssertEqual(M[5 * 8 + 5], 3)  // check 0 covers three bits
        XCTAssertEqual(M[0 * 8 + 5], 1)  // bit 0 is in check 0
    }

    func testCheckAwareHeadGradient() {
        let n = 5, m = 3, d = 8, B = 2, L = n + m
        var rng = SplitMixRNG(seed: 4)
        let p = ParameterSet()
        let head = CheckAwareHead(p, names: ("t", "c", "b"), bits: n, checks: m, width: d, using: &rng)
        let ws = CheckAwareHead.Workspace(batch: B, bits: n, checks: m, width: d, arena: Arena())
        func forward(_ x: [[Float]]) -> [Float] {
            var z = [Float](repeating: 0, count: B * n)
            head.forward(h: x[0], H: x[1], z: &z, batch: B, workspace: ws, parameters: x[2])
            return z
        }
        GradientCheck(eps: 1e-2, atol: 1e-4, rtol: 1e-3).check(
            "head", inputs: [random(B * L * d, 5), random(m * n, 6), p.values],
            forward: forward,
            backward: { x, dz in
                _ = forward(x)
                var dh = [Float](repeating: 0, count: B * L * d), dH = [Float](repeating: 0, count: m * n)
                var g = [Float](repeating: 0, count: x[2].count)
                head.backward(
                    dz: dz, H: x[1], dh: &dh, dH: &dH, batch: B, workspace: ws, parameters: x[2], gradients: &g)
                return [dh, dH, g]
            })
    }

    /// The whole model, small (n = 7, k = 4, N = 2, d = 16): loss vs every decoder parameter and a real H, for the
    /// eight-head kernels (dh = 2) and the generic loops (2 heads).
    func testWholeModelGradient() throws {
        for heads in [8, 2] {
            let model = try LearnedCodeModel(n: 7, k: 4, layers: 2, width: 16, heads: heads, seed: 9)
            let net = model.network, B = 3
            let omegaCount = net.m * net.k
            let noise = random(B * 7, 11, scale: 0.9), messages = [Float](repeating: 1, count: B * 4)
            let start = net.parameters.values, H0 = net.code.checkMatrix.map { $0 * 0.9 + 0.05 }
            func run(_ x: [[Float]]) -> (Double, [Float], [Float]) {
                net.parameters.values = Array(start[0..<omegaCount]) + x[0]
                let r = net.lossAndGradients(messages: messages, noise: noise, batch: B, checkMatrix: x[1])
                return (r.loss, r.gradients, r.checkMatrixGradient)
            }
            GradientCheck(eps: 2e-3, atol: 3e-4, rtol: 3e-2, kinkFraction: 0.02).check(
                "DC-ECCT, \(heads) heads", inputs: [Array(start[omegaCount...]), H0],
                forward: { [Float(run($0).0)] },
                backward: { x, dy in
                    let (_, g, dH) = run(x)
                    return [g[omegaCount...].map { $0 * dy[0] }, dH.map { $0 * dy[0] }]
                })
            net.parameters.values = start
        }
    }
}
