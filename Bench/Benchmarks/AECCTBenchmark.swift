import Base
import Codes
import ECCT
import Foundation
import Neural

/// AECCT decoding beside the ECCT of the same size (side by side, same frames), and the ternary integer linear layer
/// (int8 quantisation + bit-plane additions + rescale) against OpenBLAS sgemm on the same shapes.
enum AECCTBenchmark {
    /// A frozen AECCT with the weights of a randomly initialised QAT model (the speed does not depend on training).
    static func frozenModel(code: LinearCode, layers: Int, width: Int) throws -> ECCTModel {
        let qat = try ECCTModel.aecct(code: code, layers: layers, width: width, precision: .qat, seed: 1)
        let frozen = try AECCTFreezer.freeze(
            qat.network.parameters.tensors.merging(["lpe": qat.spectralTableTensor!]) { a, _ in a },
            source: "benchmark")
        return try ECCTModel.loadAECCT(code: code, tensors: frozen, source: "benchmark")
    }

    static func run(quick: Bool) throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let code = try Catalog.code(named: "BCH-63-45")
        for (layers, d) in [(2, 32), (6, 128)] {
            let words = quick ? 512 : (d == 32 ? 8192 : 2048)
            let (_, llr) = makeFrames(code, count: words, ebn0: 4, seed: 3)
            let models: [(String, ECCTModel)] = [
                ("ecct", try ECCTModel(code: code, layers: layers, width: d, seed: 1)),
                ("aecct fp32", try ECCTModel.aecct(code: code, layers: layers, width: d, seed: 1)),
                ("aecct frozen (ternary)", try frozenModel(code: code, layers: layers, width: d)),
            ]
            var ecct: (single: Double, all: Double)?
            for (name, model) in models {
                let decoder = ECCTDecoder(model: model)
                _ = decoderThroughput(decoder, code: code, llr: Array(llr[0..<(256 * code.n)]))
                let rate = decoderThroughput(decoder, code: code, llr: llr)
                // issue 32's goal for the frozen model: ≥ 1.5× the ECCT at N2 d32, ≥ 2× at N6 d128, both thread counts
                let target: Double = d == 32 ? 1.5 : 2.0
                let goal = name.hasPrefix("aecct frozen") ? String(format: ", goal ≥ %.1f×", target) : ""
                let note =
                    ecct.map {
                        String(
                            format: "%.2f× ecct (1 thread), %.2f× (%d threads)", rate.single / $0.single,
                            rate.all / $0.all, cores) + goal
                    } ?? ""
                Harness.report("\(name) N=\(layers) d=\(d) BCH-63-45, 1 thread", rate.single, "words/s", note)
                Harness.report("\(name) N=\(layers) d=\(d) BCH-63-45, \(cores) threads", rate.all, "words/s")
                if ecct == nil { ecct = rate }
            }
        }
        // the linear layers alone, d = 32, 64, 128 (and their 4d feed-forward): rows of a 32-word chunk of BCH-63-45
        // (32 · 81 tokens), one thread; issue 32's goal: ≥ 1× sgemm at d = 32, ≥ 1.5× at d = 64 and 128
        let rows = 32 * 81
        for (inF, outF) in [(32, 32), (32, 128), (64, 64), (64, 256), (128, 128), (128, 512), (512, 128)] {
            var rng = SplitMixRNG(seed: 2)
            let dense = ParameterSet(), frozen = ParameterSet(), store = TernaryWeights(mode: .frozen)
            let a = LinearLayer(dense, name: "w", inFeatures: inF, outFeatures: outF, using: &rng)
            let b = LinearLayer(
                frozen, name: "w", inFeatures: inF, outFeatures: outF, kind: .ternaryFrozen, ternary: store, using: &rng
            )
            for i in 0..<(inF * outF) { frozen.values[b.weight + i] = Float(Int(rng.next() % 3) - 1) }
            frozen.values.withUnsafeBufferPointer { store.prepare(parameters: $0.baseAddress!) }
            var x = [Float](repeating: 0, count: rows * inF)
            for i in x.indices { x[i] = Float(Int(rng.next() % 2001) - 1000) / 300 }
            var y = [Float](repeating: 0, count: rows * outF)
            let quantizer = ActivationQuantizer(scope: .token, width: inF)
            let arena = Arena()
            let ws = ActivationQuantizer.Workspace(rows: rows, width: inF, outputs: outF, arena: arena)
            let reps = quick ? 5 : 40
            let tDense = Harness.time(repeats: 3) {
                dense.values.withUnsafeBufferPointer { p in
                    for _ in 0..<reps { a.forward(x: x, y: &y, rows: rows, parameters: p.baseAddress!) }
                }
            }
            let tTernary = Harness.time(repeats: 3) {
                frozen.values.withUnsafeBufferPointer { p in
                    for _ in 0..<reps {
                        quantizer.project(
                            x, rows: rows, workspace: ws,
                            layers: [(b, y.withUnsafeMutableBufferPointer { $0.baseAddress! })],
                            parameters: p.baseAddress!)
                    }
                }
            }
            let macs = Double(rows * inF * outF * reps)
            Harness.report("linear \(inF)→\(outF), \(rows) rows: sgemm fp32", macs / tDense / 1e9, "GMAC/s")
            Harness.report(
                "linear \(inF)→\(outF), \(rows) rows: ternary int8 (\(KernelPath.best.rawValue))",
                macs / tTernary / 1e9,
                "GMAC/s",
                String(
                    format: "%.2f× sgemm (quantise + adds + rescale included, goal ≥ %.1f×)", tDense / tTernary,
                    min(inF, outF) == 32 ? 1.0 : 1.5 as Double))
        }
    }
}
