import Codes
import ECCT
import Foundation
import Neural

/// ECCT inference throughput (evaluation mode, decisions included) against the PyTorch peer.
enum InferenceBenchmark {
    static func run(quick: Bool, script: String) throws {
        let torchAvailable = Harness.shell(["python3", "-c", "import torch"]) != nil
        let dir = try Harness.scratchDirectory("eccbench-infer")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        for (name, layers, d) in [("BCH-63-45", 2, 32), ("BCH-63-45", 6, 128), ("CCSDS-128-64", 2, 32)] {
            let code = try Catalog.code(named: name)
            let model = try ECCTModel(code: code, layers: layers, width: d, seed: 1)
            let words = quick ? 512 : (d == 32 ? 8192 : 2048)
            let (_, llr) = makeFrames(code, count: words, ebn0: 4, seed: 3)
            if name == "BCH-63-45" && d == 32 && !quick {
                for chunk in [16, 32, 64, 128, 256] {
                    let dec = ECCTDecoder(model: model, chunk: chunk)
                    _ = decoderThroughput(dec, code: code, llr: Array(llr[0..<(256 * code.n)]))
                    Harness.report(
                        "  chunk \(chunk) words, \(cores) threads", decoderThroughput(dec, code: code, llr: llr).all,
                        "words/s")
                }
            }
            let decoder = ECCTDecoder(model: model)
            _ = decoderThroughput(decoder, code: code, llr: Array(llr[0..<(256 * code.n)]))
            let (single, all) = decoderThroughput(decoder, code: code, llr: llr)
            let pattern = model.network.encoder.config.pattern
            let flops = TrainingBenchmark.forwardFLOPs(
                L: model.length, d: d, layers: layers, pairs: pattern.pairCount, outputs: code.n)
            Harness.report("ECCT inference N=\(layers) d=\(d) \(name), 1 thread", single, "words/s")
            Harness.report(
                "ECCT inference N=\(layers) d=\(d) \(name), \(cores) threads", all, "words/s",
                String(format: "%.1f GFLOP/s", all * flops / 1e9))
            // the logits API (what `eccbench infer` runs): magnitude and syndrome of the same words in one call
            let y = llr.map { $0 / 4 }
            var scalars = [Float](repeating: 0, count: words * model.length)
            model.tokens(channelOutput: y, batch: words, into: &scalars)
            let L = model.length, n = code.n, m = code.m
            let magnitude = (0..<(words * n)).map { scalars[($0 / n) * L + $0 % n] }
            let syndrome = (0..<(words * m)).map { scalars[($0 / m) * L + n + $0 % m] }
            let api = Harness.time(repeats: 2) {
                _ = model.logits(magnitude: magnitude, syndrome: syndrome, batch: words)
            }
            Harness.report(
                "ECCT logits API N=\(layers) d=\(d) \(name), \(words) words in one call", Double(words) / api,
                "words/s",
                String(format: "%.2f× the decoder", Double(words) / api / all))
            if torchAvailable {
                let maskPath = dir.appendingPathComponent("mask-\(name).txt").path
                let L = model.length
                let allowed = model.network.encoder.config.pattern.allowed
                let text = (0..<L).map { i in (0..<L).map { allowed[i * L + $0] ? "1" : "0" }.joined(separator: " ") }
                    .joined(separator: "\n")
                try text.write(toFile: maskPath, atomically: true, encoding: .utf8)
                let batches = quick ? 1 : (d == 32 ? 4 : 1)
                if let out = Harness.shell([
                    "python3", script, maskPath, String(layers), String(d), String(code.n), "2048",
                    String(batches), String(cores), "infer",
                ]),
                    let peer = Double(out.trimmingCharacters(in: .whitespacesAndNewlines))
                {
                    Harness.report(
                        "peer PyTorch infer N=\(layers) d=\(d) \(name), batch 2048", peer, "words/s",
                        String(format: "ours %.1f× (%.1f GFLOP/s)", all / peer, peer * flops / 1e9))
                } else {
                    print("peer: torch_ecct_step.py infer failed")
                }
            }
        }
        if !torchAvailable { print("peer: torch is not installed (pip install torch) — PyTorch comparison skipped") }
    }
}
