/// Shape-level operations with gradients, over flat row-major buffers. Backward accumulates.
public enum TensorOps {
    /// How the second operand of a binary op broadcasts against x: [rows, columns].
    public enum Broadcast: Sendable { case same, row, scalar }  // b: [rows·columns], [columns], [1]

    @inline(__always) static func bIndex(_ mode: Broadcast, _ i: Int, _ columns: Int) -> Int {
        switch mode {
        case .same: i;
        case .row: i % columns;
        case .scalar: 0
        }
    }

    public enum Binary: Sendable { case add, sub, mul }

    /// y = x ∘ b with b broadcast; x, y: [rows·columns].
    public static func binaryForward(
        _ op: Binary, x: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        count: Int, columns: Int, broadcast: Broadcast
    ) {
        for i in 0..<count {
            let bv = b[bIndex(broadcast, i, columns)]
            switch op {
            case .add: y[i] = x[i] + bv;
            case .sub: y[i] = x[i] - bv;
            case .mul: y[i] = x[i] * bv
            }
        }
    }

    /// dx += ∂/∂x, db += Σ over the broadcast axes of ∂/∂b.
    public static func binaryBackward(
        _ op: Binary, x: UnsafePointer<Float>, b: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?, count: Int, columns: Int,
        broadcast: Broadcast
    ) {
        for i in 0..<count {
            let j = bIndex(broadcast, i, columns)
            switch op {
            case .add: dx?[i] += dy[i]; db?[j] += dy[i]
            case .sub: dx?[i] += dy[i]; db?[j] -= dy[i]
            case .mul: dx?[i] += dy[i] * b[j]; db?[j] += dy[i] * x[i]
            }
        }
    }

    public static func scaleForward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, by s: Float
    ) {
        for i in 0..<count { y[i] = x[i] * s }
    }
    public static func scaleBackward(
        _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int, by s: Float
    ) {
        for i in 0..<count { dx[i] += dy[i] * s }
    }

    /// Sum (or mean) of each row: x [rows, columns] → y [rows].
    public static func reduceRowsForward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, mean: Bool
    ) {
        for r in 0..<rows {
            var s: Float = 0
            for c in 0..<columns { s += x[r * columns + c] }
            y[r] = mean ? s / Float(columns) : s
        }
    }
    public static func reduceRowsBackward(
        _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, rows: Int, columns: Int, mean: Bool
    ) {
        let k: Float = mean ? 1 / Float(columns) : 1
        for r in 0..<rows { for c in 0..<columns { dx[r * columns + c] += dy[r] * k } }
    }

    /// Concatenate along the last axis: a [rows, ca], b [rows, cb] → y [rows, ca + cb]. Its backward is `split`.
    public static func concatForward(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
        rows: Int, columnsA ca: Int, columnsB cb: Int
    ) {
        for r in 0..<rows {
            for c in 0..<ca { y[r * (ca + cb) + c] = a[r * ca + c] }
            for c in 0..<cb { y[r * (ca + cb) + ca + c] = b[r * cb + c] }
        }
    }
    public static func concatBackward(
        _ dy: UnsafePointer<Float>, _ da: UnsafeMutablePointer<Float>, _ db: UnsafeMutablePointer<Float>,
        rows: Int, columnsA ca: Int, columnsB cb: Int
    ) {
        for r in 0..<rows {
            for c in 0..<ca { da[r * ca + c] += dy[r * (ca + cb) + c] }
            for c in 0..<cb { db[r * cb + c] += dy[r * (ca + cb) + ca + c] }
        }
    }

    /// Head split: [B, L, H, dh] → [B, H, L, dh] (`inverse` for the merge). A pure permutation, so its
    /// backward is the opposite permutation; reshape is free on these flat buffers.
    public static func transposeHeads(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch B: Int, length L: Int,
        heads H: Int, headWidth dh: Int, inverse: Bool = false, accumulate: Bool = false
    ) {
        for b in 0..<B {
            for l in 0..<L {
                for h in 0..<H {
                    let blhd = ((b * L + l) * H + h) * dh, bhld = ((b * H + h) * L + l) * dh
                    let (src, dst) = inverse ? (bhld, blhd) : (blhd, bhld)
                    for c in 0..<dh {
                        if accumulate { y[dst + c] += x[src + c] } else { y[dst + c] = x[src + c] }
                    }
                }
            }
        }
    }
}
