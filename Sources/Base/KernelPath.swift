import CPUFeatures
import Foundation

/// The one switch over kernel implementations: every kernel that has twins (attention, GELU, LayerNorm,
/// the BP check node, the Gaussian generator) takes a `KernelPath`.
///
/// - `.reference`: the plain scalar code (libm, no SIMD), the twin every fast path is tested against.
/// - `.portable`: Swift SIMD8 code that builds for baseline x86-64 and ARM.
/// - `.avx2`: C kernels compiled for AVX2 + FMA, called only when CPUID reports both. A kernel that has no
///   AVX2 build runs its portable code on this path.
///
/// The paths agree to rounding (FMA and summation order differ: ~1e-6 relative per kernel), not bit for bit,
/// so a seeded training run repeats bit for bit only on the same path (and thread count, which sets the
/// gradient summation order). Dropout decisions are integer hashes and identical on every path.
public enum KernelPath: String, Sendable, CaseIterable {
    case reference
    case portable
    case avx2

    /// True when this CPU executes AVX2 and FMA.
    public static let avx2Available: Bool = cpu_has_avx2_fma() != 0

    /// The paths this CPU can run (what the tests loop over).
    public static var runnableCases: [KernelPath] { allCases.filter { $0.runnable == $0 } }

    /// The path every kernel takes unless told otherwise: `.avx2` when available, or what the environment
    /// variable `ECCBENCH_KERNELS` (`reference` | `portable` | `avx2`) asks for. Asking for `avx2` on a CPU
    /// without it, or an unknown value, falls back with a warning on stderr.
    public static let best: KernelPath = {
        let fallback: KernelPath = avx2Available ? .avx2 : .portable
        guard let asked = ProcessInfo.processInfo.environment["ECCBENCH_KERNELS"], !asked.isEmpty else { return fallback }
        guard let path = KernelPath(rawValue: asked.lowercased()) else {
            FileHandle.standardError.write(Data(
                "warning: ECCBENCH_KERNELS=\"\(asked)\" is not reference, portable or avx2; using \(fallback.rawValue)\n".utf8))
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
