import Base
import CKernels

/// The AVX2 ternary product of `CKernels` (`nk_ternary_matmul`), with the contract of `multiplyPortable`; called only
/// when `KernelPath.avx2Available`.
extension TernaryMatrix {
    func multiplyAVX2(_ x: UnsafePointer<Int8>, batch B: Int, into acc: UnsafeMutablePointer<Int32>) {
        pairs.withUnsafeBufferPointer { nk_ternary_matmul(x, $0.baseAddress, acc, B, columns, rows, paddedRows) }
    }
}

/// The AVX-512 path's ternary product: `nk_ternary_matmul_vnni` where the CPU has AVX-512 VNNI, else the AVX2 kernel;
/// with the contract of `multiplyPortable`; called only when `KernelPath.avx512Available`.
extension TernaryMatrix {
    func multiplyAVX512(_ x: UnsafePointer<Int8>, batch B: Int, into acc: UnsafeMutablePointer<Int32>) {
        guard KernelPath.avx512VNNIAvailable else { return multiplyAVX2(x, batch: B, into: acc) }
        quads.withUnsafeBufferPointer { nk_ternary_matmul_vnni(x, $0.baseAddress, acc, B, columns, rows, paddedRows) }
    }
}
