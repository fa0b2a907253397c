/// A value handed to concurrent closures whose safety the caller guarantees: typically buffer pointers of
/// which each worker reads shared parts and writes a disjoint range.
public struct UnsafeSendable<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
