import Codes
import ECCT
import Foundation
import Neural

/// Training-step throughput of an ECCT-shaped model on BCH-63-45 (L = 81 tokens, 8 heads, batch 128),
/// against the PyTorch peer on the same machine when torch imports.
enum TrainingBenchmark {
    /// FLOPs of one forward pass per sample: per layer 24·L·d² (Q, K, V, O and the 4d FFN) plus 4·pairs·d
    /// (scores and weighted sums over the allowed pairs), plus the head. A step (forward, backward, Adam)
    /// is counted as 3× the forward.
    static func forwardFLOPs(L: Int, d: Int, layers: Int, pairs: Int, outputs: Int) -> Double {
        Double(layers) * (24 * Double(L * d * d) + 4 * Double(pairs * d)) + 2 * Double(L * d) + 2 * Double(L * outputs)
    }

    /// GFLOP/s of a large single-precision GEMM on all cores: the machine's practical peak.
    static func machineGEMMRate() -> Double {
        let n = 1024
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        openBLASThreads(ProcessInfo.processInfo.activeProcessorCount)
        // best of 10 (one product takes ~7 ms; with best of 3, one run read half the rate)
        let t = Harness.time(repeats: 10) {
            GEMM.multiply(m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: &c, ldc: n)
        }
        return 2 * Double(n * n * n) / t / 1e9
    }

    static func run(quick: Bool, script: String) throws {
        let code = try Catalog.code(named: "BCH-63-45")
        let pattern = ECCTMask.pattern(parityCheck: code.H)
        let allowed = pattern.allowed
        let peak = machineGEMMRate()
        Harness.report("machine: SGEMM 1024³ on all cores (OpenBLAS)", peak, "GFLOP/s")
        let torchAvailable = Harness.shell(["python3", "-c", "import torch"]) != nil
        let dir = try Harness.scratchDirectory("eccbench-train")
        defer { try? FileManager.default.removeItem(at: dir) }
        let maskPath = dir.appendingPathComponent("mask.txt").path
        let L = pattern.length
        let maskText = (0..<L).map { i in (0..<L).map { allowed[i * L + $0] ? "1" : "0" }.joined(separator: " ") }
            .joined(separator: "\n")
        try maskText.write(toFile: maskPath, atomically: true, encoding: .utf8)
        let batch = 128
        for (layers, d) in [(2, 32), (6, 128)] {
            var rng = SystemRandomNumberGenerator()
            let model = try ECCTModel(code: code, layers: layers, width: d, attentionDropout: 0.1, seed: 1)
            let trainer = DataParallelTrainer(
                network: model.network, batch: batch,
                workers: ProcessInfo.processInfo.activeProcessorCount, optimizer: Adam(learningRate: 1e-4))
            // channel outputs y (the network tokenises them itself)
            let x = (0..<(batch * code.n)).map { _ in Float.random(in: -1..<3, using: &rng) }
            let t = (0..<(batch * code.n)).map { _ in Float.random(in: 0..<1, using: &rng) < 0.1 ? Float(1) : 0 }
            var step: UInt64 = 0
            for _ in 0..<2 { trainer.step(input: x, targets: t, seed: 1, step: step); step += 1 }
            let steps = quick ? 3 : (d == 32 ? 100 : 10)
            let seconds = Harness.time(repeats: 1) {
                for _ in 0..<steps { trainer.step(input: x, targets: t, seed: 1, step: step); step += 1 }
            }
            let rate = Double(batch * steps) / seconds
            let gflops =
                rate * 3 * forwardFLOPs(L: L, d: d, layers: layers, pairs: pattern.pairCount, outputs: code.n) / 1e9
            Harness.report(
                "train step N=\(layers) d=\(d) BCH-63-45, batch \(batch)", rate, "samples/s",
                String(format: "%.1f GFLOP/s = %.0f%% of the SGEMM rate", gflops, 100 * gflops / peak))
            if torchAvailable {
                let torchSteps = quick ? 3 : (d == 32 ? 20 : 4)
                if let out = Harness.shell([
                    "python3", script, maskPath, String(layers), String(d), String(code.n), String(batch),
                    String(torchSteps),
                ]),
                    let peer = Double(out.trimmingCharacters(in: .whitespacesAndNewlines))
                {
                    Harness.report(
                        "peer PyTorch train step N=\(layers) d=\(d)", peer, "samples/s",
                        String(format: "ours %.1f×", rate / peer))
                } else {
                    print("peer: torch_ecct_step.py failed")
                }
            }
        }
        if !torchAvailable { print("peer: torch is not installed (pip install torch) — PyTorch comparison skipped") }
    }
}
