import Base
import Neural

extension DCECCTNetwork {
    /// One forward and backward of the whole model on given messages [B, k] (0/1) and channel noise [B, n] at the
    /// current parameters, without dropout (the reference's evaluation of a batch, for parity with its code):
    /// the mean loss, the decisions x_pred [B, n] (the bits of sign(−z·sign(y)); ½ where that is 0, as the reference's
    /// sign_to_bin) and ∂loss/∂(every parameter) in `parameters` layout, Ω included.
    public func lossAndGradients(messages: [Float], noise: [Float], batch B: Int)
        -> (loss: Double, decisions: [Float], gradients: [Float])
    {
        let r = lossAndGradients(messages: messages, noise: noise, batch: B, checkMatrix: nil)
        return (r.loss, r.decisions, r.gradients)
    }

    /// The same with H [m, n] replaced by real values in M and the head (gradient checks), also returning ∂loss/∂H.
    func lossAndGradients(messages: [Float], noise: [Float], batch B: Int, checkMatrix: [Float]?)
        -> (loss: Double, decisions: [Float], gradients: [Float], checkMatrixGradient: [Float])
    {
        precondition(
            B >= 1 && messages.count == B * k && noise.count == B * n,
            "DCECCTNetwork.lossAndGradients: \(messages.count) message and \(noise.count) noise entries for \(B) words")
        let P = parameters.count
        let ws = makeWorkspace(batch: B)
        let (loss, logits, gradients) = lossAndGradients(
            input: noise, targets: messages, batch: B, workspace: ws,
            prepare: { self.prepare(parameters: $0, checkMatrix: checkMatrix) })
        var decisions = [Float](repeating: 0, count: B * n)
        for i in 0..<(B * n) {
            let y = ws.y[i], v = logits[i] * (y > 0 ? 1 : (y < 0 ? -1 : 0))  // −z·sign(y)
            decisions[i] = v > 0 ? 0 : (v < 0 ? 1 : 0.5)
        }
        let dH = P + layers * length * length
        return (loss, decisions, Array(gradients[0..<P]), Array(gradients[dH..<(dH + m * n)]))
    }
}
