import Foundation

/// Row-wise softmax with an additive mask: y = softmax(x + mask) over each row of C.
///
/// x, y: [R, C]; mask: [maskRows, C] applied to row r as mask[r % maskRows] (so one [C] or [L, C] mask
/// broadcasts over batches and heads); nil for none. Masked entries carry −1e9 (docs/DESIGN.md §3). Rows are
/// shifted by their maximum, so large scores do not overflow. Backward: dx += y ⊙ (dy − Σ dy⊙y).
public enum SoftmaxKernel {
    public static let maskedScore: Float = -1e9

    public static func forward(
        x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, maskRows: Int = 1,
        y: UnsafeMutablePointer<Float>, rows: Int, columns C: Int
    ) {
        for r in 0..<rows {
            let xr = x + r * C, yr = y + r * C
            let mr = mask.map { $0 + (r % maskRows) * C }
            var mx = -Float.infinity
            for i in 0..<C { let v = xr[i] + (mr?[i] ?? 0); yr[i] = v; mx = max(mx, v) }
            var sum: Float = 0
            for i in 0..<C { let e = expf(yr[i] - mx); yr[i] = e; sum += e }
            let inv = 1 / sum
            for i in 0..<C { yr[i] *= inv }
        }
    }

    public static func backward(
        y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
        rows: Int, columns C: Int
    ) {
        for r in 0..<rows {
            let yr = y + r * C, dyr = dy + r * C, dxr = dx + r * C
            var dot: Float = 0
            for i in 0..<C { dot += dyr[i] * yr[i] }
            for i in 0..<C { dxr[i] += yr[i] * (dyr[i] - dot) }
        }
    }
}
