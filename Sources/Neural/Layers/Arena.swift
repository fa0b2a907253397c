/// Float buffers of one workspace: each `take` returns a fresh zero-filled buffer owned by the arena and freed
/// with it. Layers take their activation and scratch slices from the arena of the workspace that holds them,
/// once, when the workspace is made; the forward and backward passes then allocate nothing.
public final class Arena: @unchecked Sendable {
    private var owned: [UnsafeMutablePointer<Float>] = []
    /// Floats handed out so far (the workspace's memory, for reports and limits).
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

    deinit { owned.forEach { $0.deallocate() } }
}
