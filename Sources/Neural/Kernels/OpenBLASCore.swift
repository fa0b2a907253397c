import CBLAS
import Foundation

/// OpenBLAS kernel selection. Debian's OpenBLAS picks its kernels from the CPU model when the library
/// loads; on virtual machines that report a generic "Intel Xeon Processor" it falls back to the SSE3
/// PRESCOTT kernels, 5–6× slower than the AVX-512 ones here (SGEMM 1024³ on 2 cores: 67 vs 386 GFLOP/s).
/// `OPENBLAS_CORETYPE` overrides the choice but is only read at load time, so executables call
/// `ensureCoreType()` first thing: it sets the variable from the CPU flags and re-executes the program once.
public enum OpenBLASCore {
    /// The core type for this CPU's flags (/proc/cpuinfo), or nil when none applies or it cannot be read.
    public static func detectedCoreType() -> String? {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return nil }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        if ["avx512f", "avx512vl", "avx512bw", "avx512dq"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }

    /// If OPENBLAS_CORETYPE is unset and the CPU supports a better kernel set, set it and re-execute this
    /// program with the same arguments (once: the variable marks the second run). Returns if nothing to do, or when
    /// ECCBENCH_NO_REEXEC is set. With `singleThreaded`, the re-execution also sets an unset OPENBLAS_NUM_THREADS to 1:
    /// OpenBLAS then starts no worker threads at load (they spin for a while before they sleep, 40–50 ms of CPU a
    /// process on the 2-core machine, which sinter's one-core workers pay for every batch). It never re-executes for
    /// that alone (a re-execution costs more wall time than the threads).
    public static func ensureCoreType(singleThreaded: Bool = false) {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, environment["ECCBENCH_NO_REEXEC"] == nil,
            let core = detectedCoreType()
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        if singleThreaded && environment["OPENBLAS_NUM_THREADS"] == nil { setenv("OPENBLAS_NUM_THREADS", "1", 1) }
        let args = CommandLine.arguments
        var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) }
        cargs.append(nil)
        execv("/proc/self/exe", &cargs)
        // execv returned: it failed; continue with the default kernels
        for p in cargs { free(p) }
    }
}

extension OpenBLASCore {
    /// The kernel set OpenBLAS runs in this process (`openblas_get_corename`: Haswell, Zen, SkylakeX, Cooperlake, …).
    /// SGEMM results are bit-identical only within one kernel set.
    public static var activeCoreName: String { String(cString: openblas_get_corename()) }
}
