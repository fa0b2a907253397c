/// The mean over T rounds (the neural quantum decoder's repeated measurements, docs/DESIGN.md §9: the T streams of
/// the first layers are averaged at the mid LayerNorm).
///
/// x: [T, R, w] (round-major: the rows of round t are contiguous) → y: [R, w], y = (1/T) Σ_t x[t].
public enum RoundPooling {
    public static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rounds T: Int, count n: Int) {
        precondition(T >= 1, "RoundPooling: \(T) rounds")
        let inv = 1 / Float(T)
        for j in 0..<n {
            var s: Float = 0
            for t in 0..<T { s += x[t * n + j] }
            y[j] = s * inv
        }
    }

    /// dx[t] = dy / T for every round (written).
    public static func backward(dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rounds T: Int, count n: Int)
    {
        let inv = 1 / Float(T)
        for t in 0..<T { for j in 0..<n { dx[t * n + j] = dy[j] * inv } }
    }
}
