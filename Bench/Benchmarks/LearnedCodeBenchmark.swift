import Foundation
import LearnedCodes
import Neural

/// Training-step throughput of a learned (31, 16) code with its DC-ECCT decoder (N = 2, d = 32, batch 128, dense
/// attention over 46 tokens modulated by φ(M)), against a PyTorch model of the same shape when torch imports.
enum LearnedCodeBenchmark {
    static func run(quick: Bool, script: String) throws {
        let batch = 128, n = 31, k = 16, cores = ProcessInfo.processInfo.activeProcessorCount
        let torchAvailable = Harness.shell(["python3", "-c", "import torch"]) != nil
        for (layers, d) in [(2, 32), (6, 128)] where !(quick && d == 128) {
            let model = try LearnedCodeModel(n: n, k: k, layers: layers, width: d, seed: 1)
            let trainer = DataParallelTrainer(
                network: model.network, batch: batch, workers: cores, optimizer: Adam(learningRate: 1e-4))
            var rng = SystemRandomNumberGenerator()
            let noise = (0..<(batch * n)).map { _ in Float.random(in: -1.2..<1.2, using: &rng) }
            let messages = [Float](repeating: 1, count: batch * k)
            var step: UInt64 = 0
            for _ in 0..<2 { trainer.step(input: noise, targets: messages, seed: 1, step: step); step += 1 }
            let steps = quick ? 3 : (d == 32 ? 60 : 6)
            let seconds = Harness.time(repeats: 1) {
                for _ in 0..<steps { trainer.step(input: noise, targets: messages, seed: 1, step: step); step += 1 }
            }
            let rate = Double(batch * steps) / seconds
            Harness.report(
                "learned (31, 16) + DC-ECCT N=\(layers) d=\(d) train step, batch \(batch), \(cores) threads", rate,
                "samples/s")
            if torchAvailable {
                let torchSteps = quick ? 3 : (d == 32 ? 20 : 3)
                if let out = Harness.shell([
                    "python3", script, String(n), String(k), String(layers), String(d), String(batch),
                    String(torchSteps), String(cores),
                ]),
                    let peer = Double(out.trimmingCharacters(in: .whitespacesAndNewlines))
                {
                    Harness.report(
                        "peer PyTorch learned code + DC-ECCT N=\(layers) d=\(d)", peer, "samples/s",
                        String(format: "ours %.1f×", rate / peer))
                } else {
                    print("peer: torch_learned_code_step.py failed")
                }
            }
        }
        if !torchAvailable { print("peer: torch is not installed (pip install torch) — PyTorch comparison skipped") }
    }
}
