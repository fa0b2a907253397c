import Foundation

/// The processes (ranks) one job runs on: one process, or the ranks of an MPI job (`ScaleOut.MPIProcessGroup`).
///
/// The engines that spread work over ranks (Monte Carlo blocks, training slices, dataset shards, validation) call
/// these collectives on every rank in the same order, from one thread at a time; each returns the same value on every
/// rank. Whatever the rank count, the engines combine the ranks' parts in a fixed order (block order, slice order), so
/// the numbers are those of one process (docs/DESIGN.md §10).
public protocol ProcessGroup: AnyObject, Sendable {
    /// This process's rank, 0 ..< size.
    var rank: Int { get }
    var size: Int { get }
    /// Every rank's bytes, in rank order (the ranks may give different lengths).
    func allGather(_ bytes: [UInt8]) -> [[UInt8]]
    /// In place: rank r has filled `buffer[offsets[r] ..< offsets[r] + counts[r]]`; afterwards every rank has every
    /// rank's part. counts and offsets: [size].
    func allGather(_ buffer: UnsafeMutablePointer<Float>, counts: [Int], offsets: [Int])
    /// Personalised exchange: this rank sends `sendCounts[q]` floats from `send + sendOffsets[q]` to each rank q and
    /// receives `receiveCounts[q]` floats from each rank q at `receive + receiveOffsets[q]`. All arrays: [size].
    func allToAll(
        _ send: UnsafePointer<Float>, sendCounts: [Int], sendOffsets: [Int], into receive: UnsafeMutablePointer<Float>,
        receiveCounts: [Int], receiveOffsets: [Int])
    /// Exact element-wise sums over the ranks.
    func sum(_ values: [Int]) -> [Int]
    /// Ends the whole job with `message` on standard error (every rank stops; no rank is left waiting).
    func abort(_ message: String, status: Int32) -> Never
}

extension ProcessGroup {
    public var isRoot: Bool { rank == 0 }

    /// This rank's contiguous share of `count` items: [r·count/size, (r+1)·count/size).
    public func share(of count: Int) -> Range<Int> { Self.share(of: count, rank: rank, size: size) }

    public static func share(of count: Int, rank: Int, size: Int) -> Range<Int> {
        (rank * count / size)..<((rank + 1) * count / size)
    }

    /// Every rank's doubles, concatenated in rank order (bit for bit).
    public func allGather(_ values: [Double]) -> [Double] {
        guard size > 1 else { return values }
        let parts = allGather(values.map(\.bitPattern).withUnsafeBytes { [UInt8]($0) })
        return parts.flatMap { part in
            part.withUnsafeBytes { raw in
                (0..<(raw.count / 8)).map {
                    Double(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))
                }
            }
        }
    }

    /// Every rank's value in rank order (JSON through `allGather`); every rank must call it with the same type.
    public func allGather<T: Codable>(_ value: T) -> [T] {
        guard size > 1 else { return [value] }
        let encoder = JSONEncoder()
        // a value this process encoded itself always encodes and decodes; failing here is a programming error
        let data = try! encoder.encode(value)
        return allGather([UInt8](data)).map { try! JSONDecoder().decode(T.self, from: Data($0)) }
    }
}

/// One process: every collective is the identity.
public final class SingleProcess: ProcessGroup {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allGather(_ bytes: [UInt8]) -> [[UInt8]] { [bytes] }
    public func allGather(_ buffer: UnsafeMutablePointer<Float>, counts: [Int], offsets: [Int]) {}
    public func allToAll(
        _ send: UnsafePointer<Float>, sendCounts: [Int], sendOffsets: [Int], into receive: UnsafeMutablePointer<Float>,
        receiveCounts: [Int], receiveOffsets: [Int]
    ) {
        (receive + receiveOffsets[0]).update(from: send + sendOffsets[0], count: sendCounts[0])
    }
    public func sum(_ values: [Int]) -> [Int] { values }
    public func abort(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(status)
    }
}

/// The process group the engines use unless given another: one process, or the MPI world once an executable started
/// under `mpirun` sets it (first thing, before any engine runs).
public enum Ranks {
    nonisolated(unsafe) private static var current: any ProcessGroup = SingleProcess()
    private static let lock = NSLock()

    public static var world: any ProcessGroup {
        lock.lock(); defer { lock.unlock() }
        return current
    }

    /// Sets the world (an executable's start; tests that stand in for ranks).
    public static func setWorld(_ group: any ProcessGroup) {
        lock.lock(); defer { lock.unlock() }
        current = group
    }
}
