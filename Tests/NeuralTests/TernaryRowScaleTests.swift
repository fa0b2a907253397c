import Base
import TestSupport
import XCTest

@testable import Neural

/// Ternary weights with one scale per row (`TernaryWeights(rowScales:)`): each row is quantised, and receives its
/// straight-through gradients, exactly as a matrix of that one row with its own δ; a frozen layer with per-row s_w
/// gives the same bits on every kernel path, fused or not.
final class TernaryRowScaleTests: XCTestCase {
    /// QAT: W_eff and the gradients (∂ℓ/∂W with γ's share, ∂ℓ/∂δ) of a [5, 13] matrix with row scales equal those of
    /// five [1, 13] matrices with a matrix scale each, for both clamp rules.
    func testEachRowIsAMatrixOfItsOwn() {
        let R = 5, C = 13
        var rng = SplitMixRNG(seed: 21)
        let w = (0..<(R * C)).map { _ in Float.random(in: -1...1, using: &rng) }
        let deltas = (0..<R).map { _ in Float.random(in: 0.7...1.3, using: &rng) }
        let upstream = (0..<(R * C)).map { _ in Float.random(in: -1...1, using: &rng) }
        for clamp in ClampGradient.allCases {
            let rowParams = ParameterSet()
            let rowStore = TernaryWeights(mode: .qat, clampGradient: clamp, rowScales: true)
            let layer = LinearLayer(
                rowParams, name: "w", inFeatures: C, outFeatures: R, kind: .ternaryQAT, ternary: rowStore, using: &rng)
            XCTAssertEqual(rowParams.entries.first { $0.name == "w.delta" }?.shape, [R])
            for i in 0..<(R * C) { rowParams.values[layer.weight + i] = w[i] }
            let delta = rowStore.slots[0].delta!
            for r in 0..<R { rowParams.values[delta + r] = deltas[r] }
            let matrixParams = ParameterSet(), matrixStore = TernaryWeights(mode: .qat, clampGradient: clamp)
            let rows = (0..<R).map { r in
                LinearLayer(
                    matrixParams, name: "w\(r)", inFeatures: C, outFeatures: 1, kind: .ternaryQAT,
                    ternary: matrixStore, using: &rng)
            }
            for (r, row) in rows.enumerated() {
                for c in 0..<C { matrixParams.values[row.weight + c] = w[r * C + c] }
                matrixParams.values[matrixStore.slots[r].delta!] = deltas[r]
            }
            rowParams.values.withUnsafeBufferPointer { rowStore.prepare(parameters: $0.baseAddress!) }
            matrixParams.values.withUnsafeBufferPointer { matrixStore.prepare(parameters: $0.baseAddress!) }
            let effective = Array(UnsafeBufferPointer(start: rowStore.effectiveWeights(0), count: R * C))
            let separate = (0..<R).flatMap {
                Array(UnsafeBufferPointer(start: matrixStore.effectiveWeights($0), count: C))
            }
            XCTAssertEqual(effective, separate, "\(clamp)")
            XCTAssertEqual(rowStore.scales, matrixStore.scales)
            XCTAssertGreaterThan(Set(rowStore.scales).count, 1, "the rows have scales of their own")
            // gradients: the same upstream ∂ℓ/∂W_eff in both
            var rowGrad = [Float](repeating: 0, count: rowParams.count)
            var matrixGrad = [Float](repeating: 0, count: matrixParams.count)
            for i in 0..<(R * C) { rowGrad[layer.weight + i] = upstream[i] }
            for (r, row) in rows.enumerated() {
                for c in 0..<C { matrixGrad[row.weight + c] = upstream[r * C + c] }
            }
            rowParams.values.withUnsafeBufferPointer { p in
                rowStore.finishGradients(parameters: p.baseAddress!, gradients: &rowGrad)
            }
            matrixParams.values.withUnsafeBufferPointer { p in
                matrixStore.finishGradients(parameters: p.baseAddress!, gradients: &matrixGrad)
            }
            for (r, row) in rows.enumerated() {
                XCTAssertEqual(
                    Array(rowGrad[(layer.weight + r * C)..<(layer.weight + (r + 1) * C)]),
                    Array(matrixGrad[row.weight..<(row.weight + C)]), "row \(r) ∂ℓ/∂W, \(clamp)")
                XCTAssertEqual(rowGrad[delta + r], matrixGrad[matrixStore.slots[r].delta!], "row \(r) ∂ℓ/∂δ, \(clamp)")
                XCTAssertNotEqual(rowGrad[delta + r], 0)
            }
        }
    }

    /// Frozen, per-row s_w: quantise, integer sums and rescale give the bits of the reference path on every path, for
    /// outputs that fill no whole vector (the VNNI kernel's masked tails) and with and without a bias.
    func testFrozenRowScalesAreEqualOnEveryPath() {
        for (inF, outF, rows, bias) in [(32, 32, 17, true), (13, 20, 7, true), (128, 37, 9, false), (40, 48, 5, true)] {
            var rng = SplitMixRNG(seed: UInt64(inF + outF))
            let params = ParameterSet(), store = TernaryWeights(mode: .frozen, rowScales: true)
            let layer = LinearLayer(
                params, name: "w", inFeatures: inF, outFeatures: outF, bias: bias, kind: .ternaryFrozen,
                ternary: store, using: &rng)
            for i in 0..<(inF * outF) { params.values[layer.weight + i] = Float(Int(rng.next() % 3) - 1) }
            for o in 0..<outF { params.values[store.slots[0].scale! + o] = Float.random(in: 0.5...9, using: &rng) }
            params.values.withUnsafeBufferPointer { store.prepare(parameters: $0.baseAddress!) }
            let x = (0..<(rows * inF)).map { _ in Float.random(in: -4...4, using: &rng) }
            let quantizer = ActivationQuantizer(scope: .token, width: inF)
            func run(_ path: KernelPath) -> [Float] {
                let ws = ActivationQuantizer.Workspace(rows: rows, width: inF, outputs: outF, arena: Arena())
                var y = [Float](repeating: .nan, count: rows * outF)
                params.values.withUnsafeBufferPointer { p in
                    y.withUnsafeMutableBufferPointer { yb in
                        quantizer.project(
                            x, rows: rows, workspace: ws, layers: [(layer, yb.baseAddress!)],
                            parameters: p.baseAddress!, kernels: path)
                    }
                }
                return y
            }
            let want = run(.reference)
            XCTAssertTrue(want.allSatisfy(\.isFinite))
            // the per-row scales are used: one s_w for all rows would give other outputs
            let (_, swRows) = store.weightScales(0)
            XCTAssertNotNil(swRows)
            for path in KernelPath.runnableCases {
                XCTAssertEqual(run(path).map(\.bitPattern), want.map(\.bitPattern), "\(inF)→\(outF), \(path)")
            }
        }
    }
}
