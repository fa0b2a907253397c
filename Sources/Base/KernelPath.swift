import CPUFeatures
import Foundation

/// The one switch over kernel implementations: every kernel that has twins (attention, GELU, LayerNorm,
/// the BP check node, the Gaussian generator, the ternary product) takes a `KernelPath`.
///
/// - `.reference`: the plain scalar code (libm, no SIMD), the twin every fast path is tested against.
/// - `.portable`: Swift SIMD8 code that builds for baseline x86-64 and ARM.
/// - `.avx2`: C kernels compiled for AVX2 + FMA, called only when CPUID reports both. A kernel that has no
///   AVX2 build runs its portable code on this path.
/// - `.avx512`: C kernels compiled for AVX-512 F/BW/VL, called only when CPUID reports them. Only integer kernels
///   have an AVX-512 build (the ternary product, with VNNI where the CPU has it, else its AVX2 code); every other
///   kernel runs its AVX2 code here, so the floating-point results of `.avx512` are those of `.avx2` bit for bit
///   (`floatingPointTwin`).
///
/// The paths agree to rounding (FMA and summation order differ: ~1e-6 relative per kernel), not bit for bit,
/// so a seeded training run repeats bit for bit only on the same path (and thread count, which sets the
/// gradient summation order). Dropout decisions are integer hashes and identical on every path.
public enum KernelPath: String, Sendable, CaseIterable {
    case reference
    case portable
    case avx2
    case avx512

    /// True when this CPU executes AVX2 and FMA.
    public static let avx2Available: Bool = cpu_has_avx2_fma() != 0
    /// True when this CPU executes AVX2, FMA and AVX-512 F/BW/VL.
    public static let avx512Available: Bool = cpu_has_avx512bw() != 0
    /// True when this CPU also executes AVX-512 VNNI (`vpdpbusd`: the ternary product's byte dot products).
    public static let avx512VNNIAvailable: Bool = cpu_has_avx512vnni() != 0

    /// The paths this CPU can run (what the tests loop over).
    public static var runnableCases: [KernelPath] { allCases.filter { $0.runnable == $0 } }

    /// The path every kernel takes unless told otherwise: the widest the CPU runs (`.avx512`, `.avx2`, `.portable`),
    /// or what the environment variable `ECCBENCH_KERNELS` (`reference` | `portable` | `avx2` | `avx512`) asks for.
    /// Asking for a path the CPU cannot run, or an unknown value, falls back with a warning on stderr.
    public static let best: KernelPath = {
        let fallback: KernelPath = KernelPath.avx512.runnable
        guard let asked = ProcessInfo.processInfo.environment["ECCBENCH_KERNELS"], !asked.isEmpty else {
            return fallback
        }
        guard let path = KernelPath(rawValue: asked.lowercased()) else {
            FileHandle.standardError.write(
                Data(
                    "warning: ECCBENCH_KERNELS=\"\(asked)\" is not reference, portable, avx2 or avx512; using \(fallback.rawValue)\n"
                        .utf8))
            return fallback
        }
        if path.runnable != path {
            FileHandle.standardError.write(
                Data(
                    "warning: ECCBENCH_KERNELS=\(path.rawValue) but this CPU cannot run it; using \(path.runnable.rawValue)\n"
                        .utf8))
        }
        return path.runnable
    }()

    /// `self`, or the widest path below it that the CPU can run.
    @inlinable public var runnable: KernelPath {
        switch self {
        case .avx512: return KernelPath.avx512Available ? .avx512 : KernelPath.avx2.runnable
        case .avx2: return KernelPath.avx2Available ? .avx2 : .portable
        case .reference, .portable: return self
        }
    }

    /// True for the paths that run the AVX2 C kernels (`.avx2`, and `.avx512` where a kernel has no AVX-512 build).
    /// Ask it of `runnable`.
    @inlinable public var usesAVX2: Bool { self == .avx2 || self == .avx512 }

    /// The path whose floating-point results this one repeats bit for bit.
    public var floatingPointTwin: KernelPath { self == .avx512 ? .avx2 : self }
}
