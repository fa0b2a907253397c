/// Buffers of one workspace: each `take` returns a fresh zero-filled buffer owned by the arena and freed
/// with it. Layers take their activation and scratch slices from the arena of the workspace that holds them,
/// once, when the workspace is made; the forward and backward passes then allocate nothing.
public final class Arena: @unchecked Sendable {
    private var owned: [UnsafeMutablePointer<Float>] = []
    private var ownedRaw: [UnsafeMutableRawPointer] = []
    /// Floats handed out so far (the workspace's memory, for reports and limits; other types in float units).
    public private(set) var floats = 0

    public init() {}

    /// A zero-filled buffer of `count` floats (at least one, so a pointer always exists).
    public func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        precondition(count >= 0, "Arena: negative size \(count)")
        let n = max(1, count)
        let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
        p.initialize(repeating: 0, count: n)
        owned.append(p)
        floats += n
        return p
    }

    /// A zero-filled buffer of `count` values of a trivial type (Int8 activations, Int32 sums, indices).
    public func takeRaw<T>(_ count: Int, of type: T.Type) -> UnsafeMutablePointer<T> {
        precondition(count >= 0 && _isPOD(T.self), "Arena: \(count) of \(T.self)")
        let bytes = max(1, count) * MemoryLayout<T>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: max(16, MemoryLayout<T>.alignment))
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        ownedRaw.append(raw)
        floats += (bytes + 3) / 4
        return raw.assumingMemoryBound(to: T.self)
    }

    deinit { owned.forEach { $0.deallocate() }; ownedRaw.forEach { $0.deallocate() } }
}
