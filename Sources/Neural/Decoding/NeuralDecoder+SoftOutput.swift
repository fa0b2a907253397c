import Codes

extension NeuralDecoder: SoftOutputDecoder {
    /// The network's logit f_j as the LLR of bit j: L_j = f_j · sign(y_j) (positive = bit 0), so that its hard
    /// decision is the decoder's x̂ = sign(f)·sign(y). A tie (f_j = 0) keeps the sign of y, as the decision does. The
    /// scale is the network's own: OSD ordered by it needs only the order of |L| within a frame.
    public func decodeSoft(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into soft: UnsafeMutableBufferPointer<Float>
    ) {
        let n = network.inputWidth
        precondition(soft.count >= count * n, "\(name): buffers shorter than \(count) frames")
        infer(llr: llr, count: count, llrScale: llrScale) { start, frames, y, logits in
            for i in 0..<(frames * n) {
                let magnitude = max(abs(logits[i]), .leastNonzeroMagnitude)
                soft[start * n + i] = (logits[i] < 0) != (y[i] < 0) ? -magnitude : magnitude
            }
        }
    }
}
