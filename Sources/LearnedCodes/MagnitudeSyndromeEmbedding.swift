import Base
import Channels
import Neural

/// The DC-ECCT's tokens (docs/DESIGN.md §7; reference `DC_ECCT.py`): n magnitude tokens, one shared d-vector scaled by
/// |y_j|, then m syndrome tokens looked up in a table by the check's bit (0 = satisfied, 1 = violated):
///
///   tokens[b, j, :] = |y|[b, j] · E_mag           E_mag: [1, d]   `src_embed_magn`
///   tokens[b, n + c, :] = T[s[b, c], :]           T: [5, d]       `src_embed_synd.weight` (the reference's
///                                                                   Embedding(5, d); rows 0 and 1 are used)
///
/// The table lookup passes no gradient to the syndrome (the reference indexes with `.long()`).
public struct MagnitudeSyndromeEmbedding: Sendable {
    public let bits: Int
    public let checks: Int
    public let width: Int
    public let magnitude: Int
    public let table: Int
    public static let tableRows = 5

    /// E_mag Xavier-uniform (fan-in d, fan-out 1, as PyTorch reads a [1, d] tensor), T ~ N(0, 1) (Embedding's init).
    public init<G: RandomNumberGenerator>(
        _ parameters: ParameterSet, names: (magnitude: String, table: String), bits n: Int,
        checks m: Int, width d: Int, using rng: inout G
    ) {
        bits = n; checks = m; width = d
        magnitude = parameters.add(
            names.magnitude, shape: [1, d],
            initial: Initializer.xavierUniform(fanIn: d, fanOut: 1, count: d, using: &rng))
        var normals = [Float](repeating: 0, count: Self.tableRows * d), gauss = GaussianGenerator(using: &rng)
        gauss.fill(&normals)
        table = parameters.add(names.table, shape: [Self.tableRows, d], initial: normals)
    }

    // magnitudes: [B, n], syndrome bits: [B, m] (0/1) → tokens: [B, n + m, d]
    public func forward(
        magnitudes a: UnsafePointer<Float>, syndromes s: UnsafePointer<UInt8>, tokens: UnsafeMutablePointer<Float>,
        batch B: Int, parameters p: UnsafePointer<Float>
    ) {
        let n = bits, m = checks, d = width, L = n + m, e = p + magnitude
        for b in 0..<B {
            for j in 0..<n {
                let t = tokens + (b * L + j) * d, v = a[b * n + j]
                for c in 0..<d { t[c] = v * e[c] }
            }
            for c in 0..<m {
                (tokens + (b * L + n + c) * d).update(from: p + table + Int(s[b * m + c]) * d, count: d)
            }
        }
    }

    /// dE_mag and dT accumulate; dMagnitudes [B, n] = dTokens[b, j, :]·E_mag (written).
    public func backward(
        magnitudes a: UnsafePointer<Float>, syndromes s: UnsafePointer<UInt8>, dTokens: UnsafePointer<Float>,
        dMagnitudes: UnsafeMutablePointer<Float>, batch B: Int, parameters p: UnsafePointer<Float>,
        gradients g: UnsafeMutablePointer<Float>
    ) {
        let n = bits, m = checks, d = width, L = n + m, e = p + magnitude, de = g + magnitude
        for b in 0..<B {
            for j in 0..<n {
                let dt = dTokens + (b * L + j) * d, v = a[b * n + j]
                var acc: Float = 0
                for c in 0..<d { de[c] += v * dt[c]; acc += dt[c] * e[c] }
                dMagnitudes[b * n + j] = acc
            }
            for c in 0..<m {
                let dt = dTokens + (b * L + n + c) * d, row = g + table + Int(s[b * m + c]) * d
                for i in 0..<d { row[i] += dt[i] }
            }
        }
    }
}
