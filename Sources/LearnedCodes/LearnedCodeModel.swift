import Base
import Codes
import Foundation
import Neural

/// A learned (n, k) code with its DC-ECCT decoder (docs/DESIGN.md §7): a `DCECCTNetwork` under the reference's parameter
/// names, so reference checkpoints load by name; sizes checked before anything is allocated.
public final class LearnedCodeModel: @unchecked Sendable {
    public let network: DCECCTNetwork
    public let heads: Int
    public var n: Int { network.n }
    public var k: Int { network.k }
    public var layers: Int { network.layers }
    public var width: Int { network.width }
    /// The largest n: the attention is dense over 2n − k tokens (and φ(M) has (2n − k)² entries per layer).
    public static let maxLength = 1024

    /// A fresh model (Ω ±0.01 with random signs unless given). Throws, naming the field, for sizes that cannot be built.
    public init(
        n: Int, k: Int, layers: Int, width: Int, heads: Int = 8, omega: [Float]? = nil, seed: UInt64 = 0,
        attentionDropout: Float = 0
    ) throws {
        try Self.checkSizes(n: n, k: k, layers: layers, width: width, heads: heads)
        var rng = SplitMixRNG(seed: seed)
        self.heads = heads
        network = DCECCTNetwork(
            n: n, k: k, layers: layers, width: width, heads: heads, attentionDropout: attentionDropout,
            omega: omega, using: &rng)
    }

    public static func checkSizes(n: Int, k: Int, layers: Int, width: Int, heads: Int) throws {
        guard k >= 1 else { throw LearnedCodeError("--k = \(k): a code needs at least one message bit") }
        guard n > k else {
            throw LearnedCodeError("--n = \(n) must exceed --k = \(k) (a code needs at least one parity bit)")
        }
        guard n <= maxLength else {
            throw LearnedCodeError(
                "--n = \(n) is too large: the decoder attends over all 2n − k tokens; n ≤ \(maxLength)")
        }
        guard (1...64).contains(layers) else { throw LearnedCodeError("--layers N = \(layers) must be in 1…64") }
        guard heads >= 1, width >= heads, width % heads == 0, width <= 4096 else {
            throw LearnedCodeError(
                "--dim d = \(width) must be a positive multiple of the \(heads) heads (at most 4096)")
        }
        // dense attention over the 2n − k tokens, and φ(M) per layer
        let L = 2 * n - k
        var budget = TransformerBudget(
            model: "learned (\(n), \(k)) code's decoder", tokens: L, pairs: Double(L) * Double(L), layers: layers,
            width: width, heads: heads)
        budget.outputs = n
        do { try budget.check() } catch let e as SettingsError { throw LearnedCodeError(e.message) }
    }

    /// A model sized from reference-named weights (n and k from `P_matrix` [n − k, k], d from `src_embed_magn`, N from
    /// the layer names; the head count from the file's metadata, else `heads`), loaded and prepared.
    public static func load(weightsAt path: String, heads: Int? = nil) throws -> LearnedCodeModel {
        let (tensors, meta) = try SafeTensors.read(path: path)
        let omega = try omegaTensor(tensors, source: path)
        guard let magnitude = tensors[DCECCTNames.magnitude], magnitude.shape.count == 2, magnitude.shape[0] == 1 else {
            throw CheckpointError("\(path): missing tensor '\(DCECCTNames.magnitude)' [1, d]")
        }
        var layers = 0
        while tensors[DCECCTNames.layerProbe(layers)] != nil { layers += 1 }
        guard layers > 0 else { throw CheckpointError("\(path): no tensor '\(DCECCTNames.layerProbe(0))'") }
        let h = heads ?? meta["heads"].flatMap(Int.init) ?? 8
        let model = try LearnedCodeModel(
            n: omega.shape[0] + omega.shape[1], k: omega.shape[1], layers: layers,
            width: magnitude.shape[1], heads: h)
        try model.network.parameters.load(tensors, source: path, ignoring: { $0.hasPrefix("optimizer.") })
        model.network.parameters.values.withUnsafeBufferPointer { model.network.prepare(parameters: $0.baseAddress!) }
        return model
    }

    /// The code of a weights file's Ω alone, without building its decoder.
    public static func code(ofWeightsAt path: String) throws -> SystematicCode {
        let omega = try omegaTensor(try SafeTensors.read(path: path).tensors, source: path)
        if let bad = omega.values.firstIndex(where: { !$0.isFinite }) {
            throw CheckpointError("\(path): tensor '\(DCECCTNames.omega)' value \(bad) is \(omega.values[bad])")
        }
        return omega.values.withUnsafeBufferPointer {
            SystematicCode(n: omega.shape[0] + omega.shape[1], k: omega.shape[1], omega: $0.baseAddress!)
        }
    }

    static func omegaTensor(_ tensors: [String: Tensor], source: String) throws -> Tensor {
        guard let omega = tensors[DCECCTNames.omega], omega.shape.count == 2, omega.shape.allSatisfy({ $0 >= 1 }) else {
            throw CheckpointError("\(source): missing tensor '\(DCECCTNames.omega)' [n − k, k] (the learned code's Ω)")
        }
        return omega
    }

    /// The current code (from Ω).
    public var code: SystematicCode { network.code }
}
