import Base

@testable import Neural

/// Encoder names for tests (the ECCT reference's spelling, to check that layouts follow a naming table).
let testNames = EncoderNames(
    attention: { i in (0..<4).map { "decoder.layers.\(i).self_attn.linears.\($0)" } },
    feedForward: { i in ("decoder.layers.\(i).feed_forward.w_1", "decoder.layers.\(i).feed_forward.w_2") },
    norms: { i in ("decoder.layers.\(i).sublayer.0.norm", "decoder.layers.\(i).sublayer.1.norm") },
    midNorm: "decoder.norm2", finalNorm: "decoder.norm")

/// A scalar-token transformer assembled from the blocks (embedding, encoder, two-stage head), trained with BCE on
/// its logits: the smallest `TrainableNetwork`, for the engine's tests. Raw input = the L scalars of a sample.
final class TokenNetwork: TrainableNetwork, @unchecked Sendable {
    let embedding: ScalarTokenEmbedding
    let encoder: TransformerEncoder
    let head: TwoStageHead
    let parameters = ParameterSet()
    var inputWidth: Int { encoder.config.length }
    var targetWidth: Int { head.outputs }
    var outputWidth: Int { head.outputs }

    init(config: EncoderConfig, outputs: Int, seed: UInt64) {
        var rng = SplitMixRNG(seed: seed)
        embedding = ScalarTokenEmbedding(
            parameters, name: "src_embed", length: config.length, width: config.width, using: &rng)
        encoder = TransformerEncoder(config: config, parameters: parameters, names: testNames, using: &rng)
        head = TwoStageHead(
            parameters, names: ("oned_final_embed.0", "out_fc"), width: config.width, length: config.length,
            outputs: outputs, using: &rng)
    }

    final class Workspace {
        let batch: Int
        let arena = Arena()
        let encoder: EncoderWorkspace
        let head: TwoStageHead.Workspace
        let tokens, hidden, dHidden, dTokens, dLogits: UnsafeMutablePointer<Float>
        init(_ net: TokenNetwork, batch B: Int) {
            batch = B
            let R = B * net.inputWidth, d = net.encoder.config.width
            encoder = net.encoder.makeWorkspace(batch: B)
            head = .init(batch: B, length: net.inputWidth, arena: arena)
            tokens = arena.take(R * d); hidden = arena.take(R * d); dHidden = arena.take(R * d);
            dTokens = arena.take(R * d)
            dLogits = arena.take(B * net.outputWidth)
        }
    }

    func makeWorkspace(batch: Int) -> Workspace { Workspace(self, batch: batch) }

    func forward(
        _ x: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ ws: Workspace, _ p: UnsafePointer<Float>,
        _ call: MultiHeadAttention.Call
    ) {
        embedding.forward(input: x, tokens: ws.tokens, batch: ws.batch, parameters: p)
        encoder.forward(x: ws.tokens, out: ws.hidden, workspace: ws.encoder, parameters: p, call: call)
        head.forward(h: ws.hidden, logits: z, batch: ws.batch, workspace: ws.head, parameters: p)
    }

    func backward(
        _ x: UnsafePointer<Float>, _ dz: UnsafePointer<Float>, _ ws: Workspace, _ p: UnsafePointer<Float>,
        _ g: UnsafeMutablePointer<Float>
    ) {
        let R = ws.batch * inputWidth
        head.backward(
            dLogits: dz, h: ws.hidden, dh: ws.dHidden, batch: ws.batch, workspace: ws.head, parameters: p, gradients: g)
        ws.dTokens.initialize(repeating: 0, count: R * encoder.config.width)
        encoder.backward(dOut: ws.dHidden, dx: ws.dTokens, workspace: ws.encoder, parameters: p, gradients: g)
        embedding.backward(input: x, dTokens: ws.dTokens, dInput: nil, batch: ws.batch, parameters: p, gradients: g)
    }

    func trainSlice(
        _ s: TrainingSlice, workspace ws: Workspace, parameters p: UnsafePointer<Float>,
        gradients g: UnsafeMutablePointer<Float>
    ) -> Double {
        forward(s.input, s.logits, ws, p, .init(training: true, seed: s.seed, step: s.step, batchOffset: s.batchOffset))
        let share = BCEWithLogits.share(
            logits: s.logits, targets: s.targets, dz: ws.dLogits, count: s.count * outputWidth,
            total: s.batchSize * outputWidth)
        backward(s.input, ws.dLogits, ws, p, g)
        return share
    }

    func infer(
        input: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>, count: Int, workspace ws: Workspace,
        parameters p: UnsafePointer<Float>
    ) {
        forward(input, logits, ws, p, .init(training: false, forBackward: false))
    }
}
