/// Buffers allocated once and freed together when the owner goes: the per-thread state of the graph decoders
/// (`SparseBlossom`, `UnionFindWorkspace`) lives in raw pointers so that the hot loops pay no array bounds,
/// uniqueness or retain checks. The owner struct holds this class and the pointers; copies of the owner share them.
final class FixedBuffers {
    private var blocks: [UnsafeMutableRawPointer] = []

    /// `count` (at least 1) elements set to `value`, valid until the buffers are freed.
    func make<T>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        p.initialize(repeating: value, count: max(count, 1))
        blocks.append(UnsafeMutableRawPointer(p))
        return p
    }

    deinit { for b in blocks { b.deallocate() } }
}
