import ArgumentParser
import ECCT
import Neural

/// The model size, shared by `train` and `infer`: `train` uses N = 2, d = 32 by default; `infer` and `--resume`
/// read the size from the weights and check the options against it.
struct ModelSizeOptions: ParsableArguments {
    @Option(name: .long, help: "Transformer layers N (train: default 2; infer: read from the weights).")
    var layers: Int?
    @Option(name: .long, help: "Width d, a multiple of the 8 heads (train: default 32; infer: read from the weights).")
    var dim: Int?

    func validate() throws {
        if let dim {
            guard dim >= 8, dim % 8 == 0 else {
                throw ValidationError("--dim \(dim) must be a positive multiple of 8 (the heads)")
            }
        }
        if let layers {
            guard (1...64).contains(layers) else { throw ValidationError("--layers \(layers) must be in 1…64") }
        }
    }
}

extension AECCTPrecision: ExpressibleByArgument {}
extension ActivationQuantization.Scope: ExpressibleByArgument {}
extension ClampGradient: ExpressibleByArgument {}

/// How an AECCT file runs, shared by `infer` and the decoders: the precision (default: what the file holds) and
/// the scope of the INT8 activation scales.
struct AECCTRunOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "AECCT precision: fp, qat or frozen (default: told from the tensors: lpe → fp, .delta → qat, .s_w → frozen)."
    )
    var mode: AECCTPrecision?
    @Option(
        name: .customLong("activation-scale"),
        help:
            "AECCT INT8 activation scales: token (one per token row, batch-independent; default) or tensor (the reference's, over every word given); none: float activations (fp and qat only)."
    )
    var activationScale: ActivationQuantization.Scope = .token
}
