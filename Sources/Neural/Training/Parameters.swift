/// Named parameters in one contiguous buffer, with a gradient buffer of the same layout (as in llm.c).
///
/// Parameter `name` occupies `values[offset ..< offset + count]`; shapes are PyTorch's ([out, in] for Linear).
public final class ParameterSet: @unchecked Sendable {
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    public private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]
    public var values: [Float] = []
    public var gradients: [Float] = []
    public var count: Int { values.count }

    public init() {}

    /// Append a parameter; returns its offset. Names are unique.
    @discardableResult
    public func add(_ name: String, shape: [Int], initial: [Float]? = nil) -> Int {
        precondition(index[name] == nil, "ParameterSet: duplicate parameter '\(name)'")
        let n = shape.reduce(1, *)
        precondition(
            initial == nil || initial!.count == n,
            "ParameterSet: '\(name)' has \(initial!.count) values for shape \(shape)")
        let entry = Entry(name: name, shape: shape, offset: values.count)
        index[name] = entries.count
        entries.append(entry)
        values += initial ?? [Float](repeating: 0, count: n)
        gradients += [Float](repeating: 0, count: n)
        return entry.offset
    }

    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    public subscript(name: String) -> ArraySlice<Float> {
        let e = entry(name)!
        return values[e.offset..<(e.offset + e.count)]
    }

    public func zeroGradients() {
        gradients.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] = 0 } }
    }
}

/// Initialisers with PyTorch's conventions, drawing from a seeded generator.
public enum Initializer {
    /// Xavier (Glorot) uniform: U(±√(6/(fan_in + fan_out))).
    public static func xavierUniform<G: RandomNumberGenerator>(fanIn: Int, fanOut: Int, count: Int, using rng: inout G)
        -> [Float]
    {
        let a = (6 / Float(fanIn + fanOut)).squareRoot()
        return (0..<count).map { _ in Float.random(in: -a...a, using: &rng) }
    }

    /// PyTorch's default Linear weight init, kaiming-uniform with a = √5: U(±1/√fan_in).
    public static func kaimingUniform<G: RandomNumberGenerator>(fanIn: Int, count: Int, using rng: inout G) -> [Float] {
        let bound = 1 / Float(fanIn).squareRoot()
        return (0..<count).map { _ in Float.random(in: -bound...bound, using: &rng) }
    }

    /// Bias: U(±1/√fan_in).
    public static func bias<G: RandomNumberGenerator>(fanIn: Int, count: Int, using rng: inout G) -> [Float] {
        kaimingUniform(fanIn: fanIn, count: count, using: &rng)
    }
}
