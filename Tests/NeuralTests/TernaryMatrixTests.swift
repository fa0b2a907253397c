import Base
import TestSupport
import XCTest

@testable import Neural

/// The ternary × int8 kernel: every runnable path gives the reference's exact integer sums, on shapes that are not
/// multiples of 8 or 64 and on the int8 extremes.
final class TernaryMatrixTests: XCTestCase {
    func testEveryPathGivesTheExactSums() {
        var rng = SeededRNG(seed: 5)
        for (rows, columns, batch) in [
            (1, 1, 1), (3, 7, 2), (32, 32, 5), (128, 32, 3), (32, 128, 4), (5, 65, 3), (9, 200, 2), (3, 300, 5),
            (2, 4100, 2), (4, 17, 40), (20, 33, 7), (40, 130, 6), (512, 128, 9),
        ] {
            let w: [Float] = (0..<(rows * columns)).map { _ in Float(Int.random(in: -1...1, using: &rng)) }
            let m = w.withUnsafeBufferPointer { TernaryMatrix(ternary: $0, rows: rows, columns: columns) }
            // the quantiser never gives −128 (|x·s| < 127), but the kernels must be exact on the whole int8 range
            var x: [Int8] = (0..<(batch * columns)).map { _ in Int8.random(in: -128...127, using: &rng) }
            x[0] = -128
            if x.count > 1 { x[x.count - 1] = 127 }
            if rows == 2 { for i in x.indices { x[i] = i % 2 == 0 ? 127 : -127 } }  // the largest sums of a long row
            var want = [Int32](repeating: 0, count: batch * rows)
            for b in 0..<batch {
                for r in 0..<rows {
                    var s: Int32 = 0
                    for c in 0..<columns { s += Int32(w[r * columns + c]) * Int32(x[b * columns + c]) }
                    want[b * rows + r] = s
                }
            }
            for path in KernelPath.allCases {
                var got = [Int32](repeating: 99, count: batch * rows)
                m.multiply(x, batch: batch, into: &got, kernels: path)
                XCTAssertEqual(got, want, "\(rows)×\(columns), batch \(batch), path \(path)")
            }
            XCTAssertEqual(m.packedBytes, 2 * rows * ((columns + 7) / 8))
        }
    }

    /// The fused product (`multiplyRescaled`: the rescale, ReLU and the next layer's INT8 step in the kernel's pass) on
    /// each path that has it (AVX2: per finished tile from L1; VNNI: from the registers) gives the bits of the
    /// reference's separate steps: exact sums, the rescale loop, max(y, 0) and the quantiser.
    func testRescaledProductEqualsTheSeparateStepsOnEveryFusedPath() throws {
        let paths = KernelPath.runnableCases.filter { TernaryMatrix.rescalesInKernel($0) }
        guard !paths.isEmpty else { throw XCTSkip("no fused kernel on this CPU (it runs \(KernelPath.best))") }
        var rng = SeededRNG(seed: 8)
        // 1,100 columns: sums past 2^17, where the AVX2 rescale divides
        for (rows, columns, batch) in [
            (32, 32, 16), (128, 32, 13), (32, 128, 9), (5, 65, 3), (40, 130, 6), (7, 9, 1), (9, 1100, 5),
        ] {
            let w: [Float] = (0..<(rows * columns)).map { _ in Float(Int.random(in: -1...1, using: &rng)) }
            let m = w.withUnsafeBufferPointer { TernaryMatrix(ternary: $0, rows: rows, columns: columns) }
            let x: [Int8] = (0..<(batch * columns)).map { _ in Int8.random(in: -127...127, using: &rng) }
            // every third row's scale anywhere in 2^±40 (the AVX2 rescale's quotient without a division, and its
            // fallback to the division outside 2^±60 for sx·s_w)
            let scales: [Float] = (0..<batch).map {
                $0 % 3 == 2
                    ? Float(exp2(Double.random(in: -40...40, using: &rng))) : Float.random(in: 0.5...40, using: &rng)
            }
            let bias: [Float] = (0..<rows).map { _ in Float.random(in: -2...2, using: &rng) }
            let sw: Float = 1.7
            let swRows: [Float] = (0..<rows).map { _ in Float.random(in: 0.3...5, using: &rng) }
            for perRow in [true, false] {
                for (relu, rowScaled) in [(false, false), (true, false), (false, true), (true, true)] {
                    var sums = [Int32](repeating: 0, count: batch * rows)
                    m.multiply(x, batch: batch, into: &sums, kernels: .reference)
                    var want = [Float](repeating: 0, count: batch * rows)
                    for b in 0..<batch {
                        for r in 0..<rows {
                            let v =
                                Float(sums[b * rows + r]) / (scales[perRow ? b : 0] * (rowScaled ? swRows[r] : sw))
                                + bias[r]
                            want[b * rows + r] = relu ? max(v, 0) : v
                        }
                    }
                    let quantizer = ActivationQuantizer(scope: .token, width: rows)
                    let qws = ActivationQuantizer.Workspace(rows: batch, width: rows, outputs: 1, arena: Arena())
                    quantizer.forwardInteger(want, rows: batch, workspace: qws, kernels: .reference)
                    let wantQ = Array(UnsafeBufferPointer(start: qws.integers, count: batch * rows))
                    let wantS = Array(UnsafeBufferPointer(start: qws.scales, count: batch))
                    for path in paths {
                        var y = [Float](repeating: .nan, count: batch * rows)
                        var scratch = [Int32](repeating: 0, count: batch * rows)
                        var q = [Int8](repeating: 0, count: batch * rows), qs = [Float](repeating: .nan, count: batch)
                        q.withUnsafeMutableBufferPointer { qp in
                            qs.withUnsafeMutableBufferPointer { sp in
                                swRows.withUnsafeBufferPointer { rs in
                                    m.multiplyRescaled(
                                        x, batch: batch, scales: scales, perRow: perRow, weightScale: sw,
                                        weightScales: rowScaled ? rs.baseAddress : nil, bias: bias, into: &y,
                                        sums: &scratch, relu: relu, quantized: (qp.baseAddress!, sp.baseAddress!),
                                        kernels: path)
                                }
                            }
                        }
                        let label =
                            "\(rows)×\(columns), batch \(batch), perRow \(perRow), relu \(relu), row scales \(rowScaled), \(path)"
                        XCTAssertEqual(y.map(\.bitPattern), want.map(\.bitPattern), label)
                        XCTAssertEqual(q, wantQ, label)
                        XCTAssertEqual(qs, wantS, label)
                    }
                }
            }
        }
    }

    /// The int16 bounds of the byte multiply-add kernel: every weight +1 (W + 1 = 2) or −1 (W + 1 = 0) against
    /// every activation −128 or 127, over 257 columns (two whole chunks of 128 and an odd tail): sums ±C·128 exact.
    func testExtremeWeightsAndActivationsAreExact() {
        let rows = 33, columns = 257, batch = 5
        for weight: Float in [1, -1] {
            let w = [Float](repeating: weight, count: rows * columns)
            let m = w.withUnsafeBufferPointer { TernaryMatrix(ternary: $0, rows: rows, columns: columns) }
            for value: Int8 in [-128, 127] {
                let x = [Int8](repeating: value, count: batch * columns)
                let want = [Int32](repeating: Int32(weight) * Int32(value) * Int32(columns), count: batch * rows)
                for path in KernelPath.allCases {
                    var got = [Int32](repeating: 99, count: batch * rows)
                    m.multiply(x, batch: batch, into: &got, kernels: path)
                    XCTAssertEqual(got, want, "W = \(weight), x = \(value), path \(path)")
                }
            }
        }
    }
}

/// A frozen ternary linear layer end to end (INT8 quantisation, integer sums, rescale) gives the same bits on every
/// kernel path (the VNNI path rescales in registers), for both activation scopes, widths that are not multiples of 8,
/// with and without a bias.
final class FrozenLinearPathTests: XCTestCase {
    func testQuantiseSumAndRescaleAreEqualOnEveryPath() {
        for (inF, outF, rows, bias) in [(32, 32, 81, true), (13, 20, 7, true), (128, 37, 9, true), (40, 48, 17, false)]
        {
            for scope in [ActivationQuantization.Scope.tensor, .token] {  // `none` has no integer path
                var rng = SplitMixRNG(seed: UInt64(inF * outF))
                let params = ParameterSet(), store = TernaryWeights(mode: .frozen)
                let layer = LinearLayer(
                    params, name: "w", inFeatures: inF, outFeatures: outF, bias: bias, kind: .ternaryFrozen,
                    ternary: store, using: &rng)
                for i in 0..<(inF * outF) { params.values[layer.weight + i] = Float(Int(rng.next() % 3) - 1) }
                params.values[store.slots[0].scale!] = 3.7
                params.values.withUnsafeBufferPointer { store.prepare(parameters: $0.baseAddress!) }
                let x = (0..<(rows * inF)).map { _ in Float.random(in: -4...4, using: &rng) }
                let quantizer = ActivationQuantizer(scope: scope, width: inF)
                func run(_ path: KernelPath) -> [Float] {
                    let arena = Arena()
                    let ws = ActivationQuantizer.Workspace(rows: rows, width: inF, outputs: outF, arena: arena)
                    var y = [Float](repeating: .nan, count: rows * outF)
                    params.values.withUnsafeBufferPointer { p in
                        y.withUnsafeMutableBufferPointer { yb in
                            quantizer.project(
                                x, rows: rows, workspace: ws, layers: [(layer, yb.baseAddress!)],
                                parameters: p.baseAddress!,
                                kernels: path)
                        }
                    }
                    return y
                }
                let want = run(.reference)
                XCTAssertTrue(want.allSatisfy(\.isFinite))
                for path in KernelPath.runnableCases {
                    XCTAssertEqual(run(path), want, "\(inF)→\(outF), \(scope), \(path)")
                }
            }
        }
    }

    /// The feed-forward's fused frozen path (W₁ rescaled, ReLU and the INT8 step before W₂ in the kernel's pass)
    /// gives the bits of the separate steps on the reference kernels: the output, and the hidden bytes and scales.
    func testFusedFeedForwardEqualsTheSeparateSteps() throws {
        guard TernaryMatrix.rescalesInKernel(.best) else {
            throw XCTSkip("the fused path needs AVX2 (this CPU runs \(KernelPath.best))")
        }
        for (d, hidden, rows) in [(32, 128, 81), (24, 40, 13), (16, 100, 9)] {
            var rng = SplitMixRNG(seed: UInt64(d + hidden))
            let params = ParameterSet(), store = TernaryWeights(mode: .frozen)
            let ffn = FeedForward(
                params, names: ("a", "b"), width: d, hidden: hidden, activation: .relu,
                quantization: LinearQuantization(weights: store, scope: .token), using: &rng)
            for layer in [ffn.inner, ffn.outer] {
                for i in 0..<(layer.inFeatures * layer.outFeatures) {
                    params.values[layer.weight + i] = Float(Int(rng.next() % 3) - 1)
                }
            }
            for (i, slot) in store.slots.enumerated() { params.values[slot.scale!] = 2.5 + Float(i) }
            for e in params.entries where e.name.hasSuffix("bias") {
                for i in e.offset..<(e.offset + e.count) { params.values[i] = Float.random(in: -1...1, using: &rng) }
            }
            params.values.withUnsafeBufferPointer { store.prepare(parameters: $0.baseAddress!) }
            let x = (0..<(rows * d)).map { _ in Float.random(in: -3...3, using: &rng) }
            let arena = Arena()
            let ws = FeedForward.Workspace(rows: rows, hidden: hidden, width: d, quantized: true, arena: arena)
            var fused = [Float](repeating: .nan, count: rows * d), separate = fused
            params.values.withUnsafeBufferPointer { p in
                ffn.forward(x: x, y: &fused, rows: rows, workspace: ws, parameters: p.baseAddress!)
                let fusedBytes = Array(UnsafeBufferPointer(start: ws.quantizedHidden!.integers, count: rows * hidden))
                let fusedScales = Array(UnsafeBufferPointer(start: ws.quantizedHidden!.scales, count: rows))
                // the three steps apart, on the reference kernels
                let wi = ws.quantizedInput!, wo = ws.quantizedHidden!
                ffn.innerQuantizer!.project(
                    x, rows: rows, workspace: wi, layers: [(ffn.inner, ws.preActivation)], parameters: p.baseAddress!,
                    kernels: .reference)
                Activation.relu.forward(ws.preActivation, ws.postActivation, count: rows * hidden)
                separate.withUnsafeMutableBufferPointer { yb in
                    ffn.outerQuantizer!.project(
                        ws.postActivation, rows: rows, workspace: wo, layers: [(ffn.outer, yb.baseAddress!)],
                        parameters: p.baseAddress!, kernels: .reference)
                }
                XCTAssertEqual(Array(UnsafeBufferPointer(start: wo.integers, count: rows * hidden)), fusedBytes)
                XCTAssertEqual(Array(UnsafeBufferPointer(start: wo.scales, count: rows)), fusedScales)
            }
            XCTAssertTrue(separate.allSatisfy(\.isFinite))
            XCTAssertEqual(fused, separate, "\(d)→\(hidden)→\(d), \(rows) rows")
        }
    }
}
