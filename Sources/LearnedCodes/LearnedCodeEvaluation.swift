import Channels
import Foundation
import Neural

/// Quick bit-error measurements of a learned code with its joint decoder on the AWGN channel, for validation during
/// training: the Monte Carlo engine on exactly `words` random codewords (rounded up to its blocks of 256), so the
/// result depends on the seed only, not on the thread count. Full runs with stopping rules and intervals:
/// `eccbench --code FILE --decoders dc-ecct:…`.
public enum LearnedCodeEvaluation {
    public static func bitErrorRate(
        model: LearnedCodeModel, ebN0: Double, words: Int, seed: UInt64,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> Double {
        var config = MonteCarloConfig(frames: words, seed: seed)
        config.threads = threads
        let decoder = NeuralDecoder(network: model.network, name: "dc-ecct")
        return MonteCarlo(code: model.code.linearCode(name: "learned"), config: config)
            .run(decoder: decoder, channel: .awgn, parameter: ebN0, pointIndex: 0).ber
    }
}
