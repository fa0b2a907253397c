import Foundation
import NeuralKernels

/// Which implementation runs the per-element hot kernels: eight-head masked attention, GELU and LayerNorm.
///
/// `.avx2` is the C module `NeuralKernels`, compiled for AVX2 + FMA and called only when CPUID reports both;
/// `.portable` is the Swift SIMD8 code, which builds for baseline x86-64 and ARM. The two agree to rounding
/// (FMA and summation order differ: ~1e-6 relative per kernel), not bit for bit, so a seeded training run
/// repeats bit for bit only on the same path (and thread count, which sets the gradient summation order).
/// Dropout decisions are integer hashes and identical on both paths.
public enum KernelPath: String, Sendable, CaseIterable {
    case avx2
    case portable

    /// True when this CPU executes AVX2 and FMA.
    public static let avx2Available: Bool = nk_has_avx2_fma() != 0

    /// The path every kernel takes unless told otherwise: `.avx2` when available, or what the environment
    /// variable `ECCBENCH_KERNELS` (`avx2` | `portable`) asks for. Asking for `avx2` on a CPU without it, or
    /// an unknown value, falls back with a warning on stderr.
    public static let best: KernelPath = {
        let fallback: KernelPath = avx2Available ? .avx2 : .portable
        guard let asked = ProcessInfo.processInfo.environment["ECCBENCH_KERNELS"], !asked.isEmpty else { return fallback }
        guard let path = KernelPath(rawValue: asked.lowercased()) else {
            FileHandle.standardError.write(Data("warning: ECCBENCH_KERNELS=\"\(asked)\" is not avx2 or portable; using \(fallback.rawValue)\n".utf8))
            return fallback
        }
        if path == .avx2 && !avx2Available {
            FileHandle.standardError.write(Data("warning: ECCBENCH_KERNELS=avx2 but this CPU lacks AVX2/FMA; using portable\n".utf8))
            return .portable
        }
        return path
    }()

    /// `self`, or `.portable` when the CPU cannot run it.
    @inlinable public var runnable: KernelPath { self == .avx2 && !KernelPath.avx2Available ? .portable : self }
}
