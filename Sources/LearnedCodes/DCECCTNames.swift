import Neural

/// The learned-code reference's parameter names (yoniLc/E2E_DC_ECCT: `E2E_DC_ECC_Transformer` holding `P_matrix` = Ω and
/// `decoder` = `DC_ECC_Transformer`): one table, so reference checkpoints and fixtures load by name.
public enum DCECCTNames {
    public static let omega = "P_matrix"
    public static let magnitude = "decoder.src_embed_magn"
    public static let syndromeTable = "decoder.src_embed_synd.weight"
    public static let encoder = EncoderNames(
        attention: { i in (0..<4).map { "decoder.decoder.layers.\(i).self_attn.linears.\($0)" } },
        feedForward: { i in
            ("decoder.decoder.layers.\(i).feed_forward.w_1", "decoder.decoder.layers.\(i).feed_forward.w_2")
        },
        norms: { i in ("decoder.decoder.layers.\(i).sublayer.0.norm", "decoder.decoder.layers.\(i).sublayer.1.norm") },
        midNorm: "decoder.decoder.norm2", finalNorm: "decoder.decoder.norm")
    /// φ of layer i: Linear(1 → 50), ReLU, Linear(50 → 1).
    public static func scoreMap(_ i: Int) -> [String] {
        [
            "decoder.decoder.layers.\(i).self_attn.one_d_mapping.0",
            "decoder.decoder.layers.\(i).self_attn.one_d_mapping.2",
        ]
    }
    public static let head = (
        token: "decoder.oned_final_embed.0", fromChecks: "decoder.synd_to_mag", fromBits: "decoder.mag_to_mag"
    )
    /// The first tensor of layer i (its presence tells the layer count of a weights file).
    public static func layerProbe(_ i: Int) -> String { encoder.attention(i)[0] + ".weight" }
}
