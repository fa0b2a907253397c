import Neural

/// The ECCT reference code's parameter names (yoniLc/ECCT; `../shared/reference/ecct-weights.md`): one table,
/// so reference checkpoints load by name and the engine holds no name of its own.
public enum ECCTNames {
    public static let embedding = "src_embed"
    public static let encoder = EncoderNames(
        attention: { i in (0..<4).map { "decoder.layers.\(i).self_attn.linears.\($0)" } },
        feedForward: { i in ("decoder.layers.\(i).feed_forward.w_1", "decoder.layers.\(i).feed_forward.w_2") },
        norms: { i in ("decoder.layers.\(i).sublayer.0.norm", "decoder.layers.\(i).sublayer.1.norm") },
        midNorm: "decoder.norm2", finalNorm: "decoder.norm")
    public static let head = (token: "oned_final_embed.0", mix: "out_fc")
    /// The AECCT's (mlaetvayn/AECCT): the spectral encoding's projection and its Laplacian table (a buffer).
    public static let spectralProjection = "lpe_proj"
    public static let spectralTable = "lpe"
    /// The first tensor of layer i (its presence tells the layer count of a weights file).
    public static func layerProbe(_ i: Int) -> String { encoder.attention(i)[0] + ".weight" }
}
