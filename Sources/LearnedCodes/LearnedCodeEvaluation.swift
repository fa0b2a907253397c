import Base
import Channels
import Dispatch
import Foundation
import Neural

/// Quick bit-error measurements of a learned code with its joint decoder on the AWGN channel (BPSK, the zero
/// codeword: the decoder reads |y| and the syndrome, so every codeword gives the same errors). For validation during
/// training; the full Monte Carlo with stopping rules and intervals is `eccbench --code FILE --decoders dc-ecct:…`.
public enum LearnedCodeEvaluation {
    /// The BER over `words` words at `ebN0` dB; chunk c of 64 words draws from `SeededRNG(seed).derived(c)`, so the
    /// result does not depend on the thread count.
    public static func bitErrorRate(model: LearnedCodeModel, ebN0: Double, words: Int, seed: UInt64,
                                    threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> Double {
        let network = model.network, n = network.n, chunk = 64
        let sigma = Float(awgnSigma(ebN0dB: ebN0, rate: Double(network.k) / Double(n)))
        let chunks = (words + chunk - 1) / chunk, workers = max(1, min(threads, chunks))
        let counts = UnsafeSendable(UnsafeMutablePointer<Int>.allocate(capacity: workers))
        defer { counts.value.deallocate() }
        GEMM.useSingleThreadedBLAS()
        network.parameters.values.withUnsafeBufferPointer { pb in
            let p = UnsafeSendable(pb.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let ws = network.makeWorkspace(batch: chunk)
                var y = [Float](repeating: 0, count: chunk * n), f = y, errors = 0
                for c in stride(from: w, to: chunks, by: workers) {
                    var rng = SeededRNG(seed: seed).derived(UInt64(c))
                    var gauss = GaussianGenerator(using: &rng)
                    gauss.fill(&y)
                    for i in 0..<y.count { y[i] = 1 + sigma * y[i] }
                    y.withUnsafeBufferPointer { yb in f.withUnsafeMutableBufferPointer {
                        network.infer(input: yb.baseAddress!, logits: $0.baseAddress!, count: chunk, workspace: ws, parameters: p.value)
                    } }
                    let used = min(chunk, words - c * chunk)
                    for i in 0..<(used * n) where (f[i] < 0) != (y[i] < 0) { errors += 1 }
                }
                counts.value[w] = errors
            }
        }
        let total = (0..<workers).reduce(0) { $0 + counts.value[$1] }
        return Double(total) / Double(words * n)
    }
}
