import Base
import Foundation

/// The sizes of a transformer decoder, checked before anything is allocated from them: attention pairs, parameter
/// memory (weights, gradients and two Adam moments: 16 bytes a parameter) and the activations of a 32-sample chunk.
///
/// Every family checks its sizes here (ECCT/AECCT, the neural quantum decoder, the learned code's decoder), so an
/// absurd N × d or code is refused with the memory it would need rather than crashing or swapping.
public struct TransformerBudget: Sendable {
    /// Most attention (query, key) pairs of the mask.
    public static let maxPairs = 1 << 24
    /// Most bytes of parameters with their gradients and Adam moments: 1 GiB, 67 M parameters (the papers' largest
    /// models have under 10 M).
    public static let maxParameterBytes = 1 << 30
    /// Most bytes of activations of one 32-sample chunk.
    public static let maxChunkBytes = 2 << 30

    /// What is checked, for the messages ("ECCT for BCH-63-45", "neural decoder for toric-4").
    public var model: String
    /// Tokens L, attention pairs (at most L²), layers N, width d, heads H.
    public var tokens: Int, pairs: Double, layers: Int, width: Int, heads: Int
    /// Sequences a sample runs through the encoder (the quantum decoder's measurement rounds), and the outputs of the
    /// head (its [L, outputs] final projection).
    public var sequences = 1, outputs = 0

    public init(model: String, tokens: Int, pairs: Double, layers: Int, width: Int, heads: Int) {
        self.model = model; self.tokens = tokens; self.pairs = min(pairs, Double(tokens) * Double(tokens))
        self.layers = layers; self.width = width; self.heads = heads
    }

    /// Parameters: per layer four d×d attention and two 4d² feed-forward matrices with biases and norms, the token
    /// embedding [L, d] and the head (d + L·outputs).
    public var parameterCount: Double {
        let d = Double(width), L = Double(tokens)
        return Double(layers) * (12 * d * d + 13 * d) + L * d + d + L * Double(max(outputs, 1))
    }

    /// Activations of a 32-sample chunk: per sample, sequence and layer, the probabilities and keep flags
    /// (2·pairs·H floats) and about 14 [L, d] activations.
    public var chunkBytes: Double {
        4 * 32 * Double(sequences) * Double(layers)
            * (2 * pairs * Double(heads) + 14 * Double(tokens) * Double(width))
    }

    /// Throws a `SettingsError` naming the model and what it would need, when a limit is exceeded.
    public func check() throws {
        guard pairs <= Double(Self.maxPairs) else {
            throw SettingsError(
                "\(model): the attention mask would have up to \(Int(pairs)) pairs (\(tokens) tokens); "
                    + "the limit is \(Self.maxPairs)")
        }
        let gib = Double(1 << 30)
        let parameterBytes = 16 * parameterCount
        guard parameterBytes <= Double(Self.maxParameterBytes) else {
            throw SettingsError(
                String(
                    format: "%@ with N = %d, d = %d: %.3g parameters need %.1f GiB with their gradients and Adam "
                        + "moments; the limit is %.0f GiB", model, layers, width, parameterCount,
                    parameterBytes / gib, Double(Self.maxParameterBytes) / gib))
        }
        guard chunkBytes <= Double(Self.maxChunkBytes) else {
            throw SettingsError(
                String(
                    format: "%@ with N = %d, d = %d: a 32-sample chunk needs %.1f GiB of activations; the limit is "
                        + "%.0f GiB", model, layers, width, chunkBytes / gib, Double(Self.maxChunkBytes) / gib))
        }
    }
}
