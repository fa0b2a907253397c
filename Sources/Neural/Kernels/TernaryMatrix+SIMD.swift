import CKernels

/// The AVX2 ternary product of `CKernels` (`nk_ternary_matmul`), with the contract of `multiplyPortable`; called only
/// when `KernelPath.avx2Available`.
extension TernaryMatrix {
    func multiplyAVX2(_ x: UnsafePointer<Int8>, batch B: Int, into acc: UnsafeMutablePointer<Int32>) {
        pairs.withUnsafeBufferPointer { nk_ternary_matmul(x, $0.baseAddress, acc, B, columns, rows, paddedRows) }
    }
}

/// The AVX-512 ternary product (`nk_ternary_matmul_avx512`), with the contract of `multiplyPortable`; called only
/// when `KernelPath.avx512Available`.
extension TernaryMatrix {
    func multiplyAVX512(_ x: UnsafePointer<Int8>, batch B: Int, into acc: UnsafeMutablePointer<Int32>) {
        plus.withUnsafeBufferPointer { p in
            minus.withUnsafeBufferPointer { m in
                nk_ternary_matmul_avx512(x, p.baseAddress, m.baseAddress, acc, B, columns, rows, rowBytes)
            }
        }
    }
}
