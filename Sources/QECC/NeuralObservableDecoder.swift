import Codes
import Neural

/// The neural quantum decoder on a detector error model, predicting the observables themselves: for each shot the
/// network's error probabilities p_i = σ(−f_i) over the merged mechanisms, and for each observable ℓ its flip
/// probability P_ℓ = ½(1 − Π_{i ∈ ℓ} (1 − 2 p_i)) — the quantity its logical loss trains — flipped when P_ℓ > ½.
///
/// Thresholding each mechanism (f < 0) and taking the parity loses on a DEM: most mechanisms are degenerate with
/// others (the same detectors, other observables), so no single one is likelier than not and the marginals' hard
/// decisions mark almost nothing. Its "corrections" are the predicted observable flips [count, observables]. A shot
/// whose logits are not all finite gets no flip and is counted (`FallbackReporting`).
public struct NeuralObservableDecoder: QuantumDecoder, FallbackReporting {
    public let name: String
    public let model: DQECModel
    let fallbacks = FallbackCounter()

    public init(model: DQECModel, name: String = "neural") {
        self.model = model
        self.name = name
    }

    /// detections: [count, detectors] 0/1; corrections: [count, observables], the predicted flips.
    public func decode(
        detections: UnsafeBufferPointer<UInt8>, count: Int, into corrections: UnsafeMutableBufferPointer<UInt8>
    ) {
        let m = model.network.inputWidth, n = model.network.n, K = model.network.logical.supports.count
        let s = (0..<(count * m)).map { detections[$0] == 0 ? Float(1) : -1 }
        let (_, f) = model.run(syndromes: s, batch: count, threads: 1)
        let P = f.withUnsafeBufferPointer {
            model.network.logical.oddParityProbabilities(logits: $0.baseAddress!, count: count)
        }
        var fallback = 0
        for shot in 0..<count {
            let finite = f[(shot * n)..<((shot + 1) * n)].allSatisfy { $0.isFinite }
            if !finite { fallback += 1 }
            for k in 0..<K { corrections[shot * K + k] = finite && P[shot * K + k] > 0.5 ? 1 : 0 }
        }
        if fallback > 0 { fallbacks.add(fallback) }
    }

    public func takeFallbacks() -> (frames: Int, reason: String) {
        (fallbacks.take(), "the network's logits were not finite (NaN or infinity); those shots got no prediction")
    }
}
