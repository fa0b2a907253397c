import Base
import Codes
import XCTest

@testable import Channels

final class GaussianTests: XCTestCase {
    func testFastLogAndSinCosMatchLibm() {
        var rng = SeededRNG(seed: 9)
        var maxLogErr: Float = 0, maxTrigErr: Float = 0
        for _ in 0..<2000 {
            var x = SIMD8<Float>(), v = SIMD8<Float>()
            for i in 0..<8 {
                x[i] = Float(exp(-30 * rng.nextDouble()))  // (1e-13, 1]
                v[i] = Float(rng.nextDouble() - 0.5)
            }
            let l = SIMDMath.log(x)
            let (c, s) = GaussianGenerator.sinCosTurns(v)
            for i in 0..<8 {
                maxLogErr = max(maxLogErr, abs(l[i] - Float(log(Double(x[i])))) / max(1, abs(l[i])))
                maxTrigErr = max(maxTrigErr, abs(c[i] - Float(cos(2 * Double.pi * Double(v[i])))))
                maxTrigErr = max(maxTrigErr, abs(s[i] - Float(sin(2 * Double.pi * Double(v[i])))))
            }
        }
        XCTAssertLessThan(maxLogErr, 3e-7)
        XCTAssertLessThan(maxTrigErr, 5e-7)
    }

    /// The AVX2 kernel repeats the portable Swift code bit for bit (same operations, no FMA), so seeded
    /// simulations give the same counts on both paths.
    func testAVX2FillRepeatsThePortableBits() throws {
        try XCTSkipUnless(KernelPath.avx2Available, "this CPU has no AVX2")
        for n in [1, 17, 4096 + 5] {
            var a = [Float](repeating: 0, count: n), b = a
            var g1 = GaussianGenerator(seed: 99), g2 = GaussianGenerator(seed: 99)
            g1.fill(&a, kernels: .portable); g2.fill(&b, kernels: .avx2)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "n = \(n)")
            g1.fill(&a, kernels: .portable); g2.fill(&b, kernels: .avx2)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "n = \(n), second call: the state advanced alike")
        }
    }

    /// Every kernel path draws the same samples from the same seed, to rounding (odd lengths included).
    func testFillOnEveryKernelPath() {
        for n in [1, 15, 16, 100, 1001] {
            var reference = [Float](repeating: .nan, count: n)
            var g0 = GaussianGenerator(seed: 12)
            g0.fill(&reference, kernels: .reference)
            for kernels in KernelPath.runnableCases where kernels != .reference {
                var out = [Float](repeating: .nan, count: n)
                var g = GaussianGenerator(seed: 12)
                g.fill(&out, kernels: kernels)
                for i in 0..<n {
                    XCTAssertEqual(
                        out[i], reference[i], accuracy: 2e-6 * max(1, abs(reference[i])), "n = \(n), \(kernels)")
                }
            }
        }
    }

    func testBoxMullerMatchesScalarReferenceOnSameUniforms() {
        var gen = GaussianGenerator(seed: 4)
        for _ in 0..<500 {
            let (u1, v) = gen.nextUniforms()
            let (z0, z1) = GaussianGenerator.boxMuller(u1, v)
            for i in 0..<8 {
                XCTAssertGreaterThan(u1[i], 0); XCTAssertLessThanOrEqual(u1[i], 1)
                let (r0, r1) = GaussianGenerator.reference(u1: u1[i], v: v[i])
                XCTAssertEqual(z0[i], r0, accuracy: 2e-6 * max(1, abs(r0)))
                XCTAssertEqual(z1[i], r1, accuracy: 2e-6 * max(1, abs(r1)))
            }
        }
    }

    /// Moments and tails of 2^22 samples, with tolerances of 5 standard errors of each estimate.
    func testMomentsAndTails() {
        let N = 1 << 22
        var samples = [Float](repeating: 0, count: N)
        var gen = GaussianGenerator(seed: 12)
        gen.fill(&samples)
        var s1 = 0.0, s2 = 0.0, s4 = 0.0, beyond2 = 0, beyond3 = 0, positive = 0
        for x in samples {
            let d = Double(x)
            s1 += d; s2 += d * d; s4 += d * d * d * d
            if abs(d) > 2 { beyond2 += 1 }
            if abs(d) > 3 { beyond3 += 1 }
            if d > 0 { positive += 1 }
        }
        let n = Double(N)
        XCTAssertEqual(s1 / n, 0, accuracy: 5 / n.squareRoot())
        XCTAssertEqual(s2 / n, 1, accuracy: 5 * (2 / n).squareRoot())
        XCTAssertEqual(s4 / n, 3, accuracy: 5 * (96 / n).squareRoot())
        for (count, p) in [(beyond2, 0.04550026389635842), (beyond3, 0.0026997960632601866), (positive, 0.5)] {
            XCTAssertEqual(Double(count) / n, p, accuracy: 5 * (p * (1 - p) / n).squareRoot())
        }
    }

    func testFillHandlesRaggedLengthsDeterministically() {
        var a = GaussianGenerator(seed: 1), b = GaussianGenerator(seed: 1)
        var x = [Float](repeating: .nan, count: 37), y = [Float](repeating: .nan, count: 37)
        a.fill(&x); b.fill(&y)
        XCTAssertEqual(x, y)
        XCTAssertFalse(x.contains { $0.isNaN })
    }

    func testDerivedStreamsAreIndependentOfDrawCount() {
        var a = SeededRNG(seed: 5)
        let b = SeededRNG(seed: 5)
        _ = a.next(); _ = a.next()
        var da = a.derived(3), db = b.derived(3), other = b.derived(4)
        let x = da.next()
        XCTAssertEqual(x, db.next())
        XCTAssertNotEqual(x, other.next())
    }
}
