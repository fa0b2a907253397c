import Base

/// A frozen ternary matrix W_t ∈ {−1, 0, 1} [rows, columns] packed as two bit planes per row (2 bits per weight):
/// bit c % 8 of `plus[r·rowBytes + c/8]` is set where W_t[r, c] = +1, of `minus` where it is −1 (rows padded to a
/// multiple of 8 columns).
///
/// The product with int8 activations (AECCT inference, docs/DESIGN.md §6) uses additions and subtractions only:
///
///   acc[b, r] = Σ_{c: W_t[r,c] = +1} x[b, c] − Σ_{c: W_t[r,c] = −1} x[b, c]        exact in Int32
///
/// Paths (`KernelPath`): `reference` (plain loops over every column, the weight read from its two bits), `portable`
/// (the bit planes, one set bit at a time), `avx2` (the C kernel `nk_ternary_matmul`, outer-product form on `pairs`,
/// the weights expanded once at load into signed bytes W_t in column pairs and the activations offset to x + 128: tiles
/// of 4 input rows × 32 outputs accumulated in registers by `vpmaddubsw` + `vpaddw`, starting from `offsets`), `avx512`
/// (`nk_ternary_matmul_vnni` where the CPU has AVX-512 VNNI: the same bytes in column quads, `quads`, 8 input rows × 32
/// outputs accumulated in int32 by `vpdpbusd`; the AVX2 kernel on AVX-512 CPUs without VNNI). All give the same
/// integers.
public struct TernaryMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    public let rowBytes: Int
    public let plus: [UInt8]
    public let minus: [UInt8]
    /// The AVX2 kernel's layout, built once: [⌈columns/2⌉, paddedRows, 2] signed bytes W_t[r, c], 0 in the padding
    /// (rows to a multiple of 32, columns to a multiple of 2), so padding adds nothing; and [paddedRows] offsets
    /// −128·Σ_c W_t[r, c], which take away the +128 of the kernel's unsigned activations.
    let pairs: [Int8]
    let offsets: [Int32]
    /// The VNNI kernel's layout, built once: [⌈columns/4⌉, paddedRows, 4] bytes W_t[r, c] + 1, 0 in the padding.
    let quads: [UInt8]
    let paddedRows: Int

    public init(ternary w: UnsafeBufferPointer<Float>, rows: Int, columns: Int) {
        precondition(w.count == rows * columns, "TernaryMatrix: \(w.count) values for \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        rowBytes = (columns + 7) / 8
        let padded = (rows + 31) / 32 * 32
        var plus = [UInt8](repeating: 0, count: rows * rowBytes), minus = plus
        var pairs = [Int8](repeating: 0, count: (columns + 1) / 2 * padded * 2)
        var offsets = [Int32](repeating: 0, count: padded)
        var quads = [UInt8](repeating: 0, count: (columns + 3) / 4 * padded * 4)
        for r in 0..<rows {
            for c in 0..<columns {
                let v = w[r * columns + c]
                precondition(v == 1 || v == 0 || v == -1, "TernaryMatrix: entry (\(r), \(c)) is \(v)")
                if v > 0 { plus[r * rowBytes + c / 8] |= 1 << UInt8(c % 8) }
                if v < 0 { minus[r * rowBytes + c / 8] |= 1 << UInt8(c % 8) }
                pairs[(c / 2 * padded + r) * 2 + c % 2] = Int8(v)
                offsets[r] -= 128 * Int32(v)
                quads[(c / 4 * padded + r) * 4 + c % 4] = UInt8(Int(v) + 1)
            }
        }
        self.plus = plus
        self.minus = minus
        paddedRows = padded
        self.pairs = pairs
        self.offsets = offsets
        self.quads = quads
    }

    /// Bytes of the bit planes of a [rows, columns] matrix.
    public static func packedBytes(rows: Int, columns: Int) -> Int { 2 * rows * ((columns + 7) / 8) }
    public var packedBytes: Int { Self.packedBytes(rows: rows, columns: columns) }

    // x: [B, columns] Int8 → acc: [B, rows] Int32
    public func multiply(
        _ x: UnsafePointer<Int8>, batch B: Int, into acc: UnsafeMutablePointer<Int32>,
        kernels: KernelPath = .best
    ) {
        switch kernels.runnable {
        case .reference: multiplyReference(x, batch: B, into: acc)
        case .portable: multiplyPortable(x, batch: B, into: acc)
        case .avx2: multiplyAVX2(x, batch: B, into: acc)
        case .avx512: multiplyAVX512(x, batch: B, into: acc)
        }
    }

    func multiplyReference(_ x: UnsafePointer<Int8>, batch B: Int, into acc: UnsafeMutablePointer<Int32>) {
        for b in 0..<B {
            for r in 0..<rows {
                var s: Int32 = 0
                for c in 0..<columns {
                    let bit = UInt8(1) << UInt8(c % 8), byte = r * rowBytes + c / 8, v = Int32(x[b * columns + c])
                    if plus[byte] & bit != 0 { s += v } else if minus[byte] & bit != 0 { s -= v }
                }
                acc[b * rows + r] = s
            }
        }
    }

    func multiplyPortable(_ x: UnsafePointer<Int8>, batch B: Int, into acc: UnsafeMutablePointer<Int32>) {
        plus.withUnsafeBufferPointer { pp in
            minus.withUnsafeBufferPointer { mm in
                for b in 0..<B {
                    let xb = x + b * columns
                    for r in 0..<rows {
                        var s: Int32 = 0
                        for k in 0..<rowBytes {
                            let base = k * 8
                            var p = pp[r * rowBytes + k], m = mm[r * rowBytes + k]
                            while p != 0 { s &+= Int32(xb[base + p.trailingZeroBitCount]); p &= p &- 1 }
                            while m != 0 { s &-= Int32(xb[base + m.trailingZeroBitCount]); m &= m &- 1 }
                        }
                        acc[b * rows + r] = s
                    }
                }
            }
        }
    }
}
