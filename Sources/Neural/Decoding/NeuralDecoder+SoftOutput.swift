import Codes

extension NeuralDecoder: SoftOutputDecoder {
    /// The network's logit f_j as the LLR of bit j: L_j = f_j · sign(y_j) (positive = bit 0), so that its hard
    /// decision is the decoder's x̂ = sign(f)·sign(y). A tie (f_j = 0) keeps the sign of y, as the decision does. The
    /// scale is the network's own: OSD ordered by it needs only the order of |L| within a frame. A frame the codeword
    /// gate passes gets y (the channel's reliabilities; its hard decision is a codeword).
    public func decodeSoft(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into soft: UnsafeMutableBufferPointer<Float>
    ) {
        let n = network.inputWidth
        precondition(soft.count >= count * n, "\(name): buffers shorter than \(count) frames")
        infer(llr: llr, count: count, llrScale: llrScale) { frame, y, logits in
            for j in 0..<n {
                let magnitude = max(abs(logits[j]), .leastNonzeroMagnitude)
                soft[frame * n + j] = (logits[j] < 0) != (y[j] < 0) ? -magnitude : magnitude
            }
        }
    }
}
