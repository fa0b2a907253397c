import Base
import CMPI
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The ranks of an Open MPI job (`mpirun -np K`, or `srun` with PMIx) as a `ProcessGroup` over MPI_COMM_WORLD.
///
/// A process that no launcher started never initialises MPI: `start()` returns nil and the process runs alone. Under a
/// launcher, `start()` initialises MPI, makes the group `Ranks.world`, and checks that every rank runs the same build
/// with the same arguments. MPI's default error handler stays in force (an MPI error ends the job); a rank that dies
/// makes the launcher end the others.
public final class MPIProcessGroup: ProcessGroup, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    /// Standard error as it was before `quietOtherRanks` sent the other ranks' output to /dev/null.
    private var errorDescriptor: Int32 = 2

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Environment variables a launcher sets in each rank (Open MPI's mpirun, PMIx under srun, PMI-2).
    public static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"]

    /// True when a launcher started this process (and `ECCBENCH_NO_MPI` is not set).
    public static var launchedByMPI: Bool {
        let env = ProcessInfo.processInfo.environment
        guard env["ECCBENCH_NO_MPI"] == nil else { return false }
        return launcherVariables.contains { env[$0] != nil }
    }

    /// Initialises MPI when a launcher started this process and sets `Ranks.world`; nil (one process) otherwise.
    /// Ranks other than 0 then print nothing (`quietOtherRanks`), and a rank whose build or arguments differ from rank
    /// 0's ends the job naming what differs.
    public static func start(arguments: [String] = CommandLine.arguments) -> MPIProcessGroup? {
        guard launchedByMPI else { return nil }
        var provided: Int32 = 0
        guard eccb_mpi_init(&provided) == 0 else {
            FileHandle.standardError.write(Data("eccbench: MPI_Init_thread failed\n".utf8))
            exit(1)
        }
        var r: Int32 = 0, s: Int32 = 0
        eccb_mpi_rank(&r)
        eccb_mpi_size(&s)
        let group = MPIProcessGroup(rank: Int(r), size: Int(s))
        if provided < eccb_mpi_thread_serialized() {
            group.abort("eccbench: this MPI library does not support MPI_THREAD_SERIALIZED", status: 1)
        }
        Ranks.setWorld(group)
        group.quietOtherRanks()
        group.checkSameRun(build: BuildFingerprint.executable(), arguments: arguments)
        return group
    }

    /// Ranks other than 0 write nothing to standard output or error (messages of `abort` still reach the terminal).
    public func quietOtherRanks() {
        guard rank != 0 else { return }
        errorDescriptor = dup(2)
        let null = open("/dev/null", O_WRONLY)
        guard null >= 0 else { return }
        dup2(null, 1)
        dup2(null, 2)
        close(null)
    }

    /// Ends the job unless every rank has rank 0's build fingerprint and arguments (and `ECCBENCH_*` environment).
    func checkSameRun(build: UInt64, arguments: [String]) {
        let env = ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("ECCBENCH_") }
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        struct Identity: Codable, Equatable {
            var build: UInt64
            var arguments: [String]
            var environment: [String]
        }
        let mine = Identity(build: build, arguments: Array(arguments.dropFirst()), environment: env)
        let all = allGather(mine)
        guard let bad = all.firstIndex(where: { $0 != all[0] }) else { return }
        guard rank == 0 else { abort("", status: 1) }  // rank 0 explains
        let what =
            all[bad].build != all[0].build
            ? "a different eccbench build (executable fingerprint \(hex(all[bad].build)), rank 0 has \(hex(all[0].build)))"
            : all[bad].arguments != all[0].arguments
                ? "other arguments (\(all[bad].arguments.joined(separator: " ")))"
                : "another ECCBENCH_* environment (\(all[bad].environment.joined(separator: " ")))"
        abort(
            "Error: rank \(bad) of \(size) runs \(what) than rank 0: every rank must run the same build and settings",
            status: 1)
    }

    private func hex(_ v: UInt64) -> String { String(v, radix: 16) }

    public func allGather(_ bytes: [UInt8]) -> [[UInt8]] {
        var length = Int64(bytes.count)
        var lengths = [Int64](repeating: 0, count: size)
        _ = withUnsafeBytes(of: &length) { l in
            lengths.withUnsafeMutableBytes { eccb_mpi_allgather_bytes(l.baseAddress, 8, $0.baseAddress) }
        }
        let counts = lengths.map(Int.init)
        let offsets = counts.indices.map { counts[..<$0].reduce(0, +) }
        let total = counts.reduce(0, +)
        guard total < Int(Int32.max) else {
            abort("Error: \(total) bytes to gather exceed MPI's 2 GiB limit of one call", status: 1)
        }
        var buffer = [UInt8](repeating: 0, count: max(1, total))
        buffer.withUnsafeMutableBufferPointer { b in
            (b.baseAddress! + offsets[rank]).update(from: bytes, count: bytes.count)
            let c = counts.map(Int32.init), o = offsets.map(Int32.init)
            _ = eccb_mpi_allgatherv_bytes_in_place(b.baseAddress, c, o)
        }
        return counts.indices.map { Array(buffer[offsets[$0]..<(offsets[$0] + counts[$0])]) }
    }

    public func allGather(_ buffer: UnsafeMutablePointer<Float>, counts: [Int], offsets: [Int]) {
        precondition(counts.count == size && offsets.count == size, "MPIProcessGroup.allGather: one part per rank")
        guard let end = zip(counts, offsets).map({ $0 + $1 }).max(), end < Int(Int32.max) else {
            abort("Error: a gather of more than 2^31 floats exceeds MPI's limit of one call", status: 1)
        }
        _ = eccb_mpi_allgatherv_floats_in_place(buffer, counts.map(Int32.init), offsets.map(Int32.init))
    }

    public func allToAll(
        _ send: UnsafePointer<Float>, sendCounts: [Int], sendOffsets: [Int], into receive: UnsafeMutablePointer<Float>,
        receiveCounts: [Int], receiveOffsets: [Int]
    ) {
        let ends = zip(sendCounts, sendOffsets).map { $0 + $1 } + zip(receiveCounts, receiveOffsets).map { $0 + $1 }
        guard ends.allSatisfy({ $0 < Int(Int32.max) }) else {
            abort("Error: an exchange of more than 2^31 floats exceeds MPI's limit of one call", status: 1)
        }
        _ = eccb_mpi_alltoallv_floats(
            send, sendCounts.map(Int32.init), sendOffsets.map(Int32.init), receive, receiveCounts.map(Int32.init),
            receiveOffsets.map(Int32.init))
    }

    public func sum(_ values: [Int]) -> [Int] {
        var v = values.map(Int64.init)
        _ = v.withUnsafeMutableBufferPointer { eccb_mpi_allreduce_sum_int64($0.baseAddress, Int32($0.count)) }
        return v.map(Int.init)
    }

    /// Rank 0 ends the job at once; another rank first waits two seconds, so that an error every rank meets (bad
    /// arguments) is printed once, by rank 0, whose abort ends the job first.
    public func abort(_ message: String, status: Int32) -> Never {
        if rank != 0 { sleep(2) }
        if !message.isEmpty {
            let text = (rank == 0 ? message : "rank \(rank): " + message) + "\n"
            _ = text.withCString { Glibc.write(errorDescriptor, $0, strlen($0)) }
        }
        _ = eccb_mpi_abort(status == 0 ? 1 : status)
        exit(status == 0 ? 1 : status)
    }

    /// Waits until every rank has called it (`MPI_Barrier`).
    public func barrier() { _ = eccb_mpi_barrier() }

    /// Ends MPI after a run every rank finished (`MPI_Finalize`); the process then exits as usual.
    public func finish() {
        if eccb_mpi_finalized() == 0 { _ = eccb_mpi_finalize() }
    }
}

extension MPIProcessGroup {
    /// Threads per process by default: all cores alone; under a launcher, the cores shared among the ranks of this node
    /// (`OMPI_COMM_WORLD_LOCAL_SIZE`, or Slurm's `SLURM_CPUS_PER_TASK`), and never more than the cores the rank is bound
    /// to (mpirun binds each rank to one core by default when there are at most two ranks), at least one.
    public static var defaultThreads: Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard launchedByMPI else { return cores }
        let env = ProcessInfo.processInfo.environment
        let share: Int
        if let perTask = env["SLURM_CPUS_PER_TASK"].flatMap(Int.init), perTask >= 1 {
            share = perTask
        } else {
            share = max(1, cores / max(1, env["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? 1))
        }
        return max(1, min(share, boundCores ?? share))
    }

    /// The cores this process may run on (its CPU affinity: `Cpus_allowed` in /proc/self/status), nil when unknown.
    public static var boundCores: Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") })
        else { return nil }
        let count = line.dropFirst("Cpus_allowed:".count).reduce(0) { n, c in
            n + (c.hexDigitValue.map { $0.nonzeroBitCount } ?? 0)
        }
        return count > 0 ? count : nil
    }

    /// A note for a run header when this rank runs more threads than the cores it is bound to (nil otherwise).
    public static func bindingNote(threads: Int) -> String? {
        guard launchedByMPI, let bound = boundCores, threads > bound else { return nil }
        return "each rank is bound to \(bound) core\(bound == 1 ? "" : "s") but runs \(threads) threads: "
            + "give mpirun --bind-to none or --map-by slot:PE=\(threads)"
    }
}
