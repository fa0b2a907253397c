/// Scalar tokens to vectors: token l of a word is its scalar input times a learned vector E[l] (the ECCT's
/// `src_embed`, docs/DESIGN.md §3: one d-vector per position, no other positional encoding).
///
///   tokens[b, l, offset ..< offset + w] = input[b, l] · E[l, :]        E: [L, w]
///
/// The rows of the output have `stride` ≥ offset + w columns, so an embedding narrower than d can be
/// concatenated with another encoding (the AECCT's d − 8 columns beside its 8-dim spectral encoding).
/// `backward` accumulates dE and, when asked, returns ∂ℓ/∂input (for a front-end that computes the scalars,
/// such as the neural quantum decoder's noise estimator).
public struct ScalarTokenEmbedding: Sendable {
    public let length: Int
    public let width: Int
    public let table: Int

    public init<G: RandomNumberGenerator>(
        _ parameters: ParameterSet, name: String, length L: Int, width w: Int,
        using rng: inout G
    ) {
        length = L
        width = w
        table = parameters.add(
            name, shape: [L, w],
            initial: Initializer.xavierUniform(fanIn: w, fanOut: L, count: L * w, using: &rng))
    }

    // input: [B, L] → tokens: [B, L, stride] (columns offset ..< offset + width written)
    public func forward(
        input: UnsafePointer<Float>, tokens: UnsafeMutablePointer<Float>, batch B: Int,
        parameters p: UnsafePointer<Float>, stride: Int? = nil, offset: Int = 0
    ) {
        let L = length, w = width, S = stride ?? w
        for b in 0..<B {
            for l in 0..<L {
                let s = input[b * L + l], e = p + table + l * w, tok = tokens + (b * L + l) * S + offset
                for c in 0..<w { tok[c] = s * e[c] }
            }
        }
    }

    /// dE += Σ_b input[b, l]·dTokens[b, l, :]; dInput[b, l] = dTokens[b, l, :]·E[l] (written) when dInput is given.
    public func backward(
        input: UnsafePointer<Float>, dTokens: UnsafePointer<Float>, dInput: UnsafeMutablePointer<Float>?,
        batch B: Int, parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>,
        stride: Int? = nil, offset: Int = 0
    ) {
        let L = length, w = width, S = stride ?? w
        for b in 0..<B {
            for l in 0..<L {
                let s = input[b * L + l], de = g + table + l * w, dt = dTokens + (b * L + l) * S + offset
                for c in 0..<w { de[c] += s * dt[c] }
                if let dInput {
                    let e = p + table + l * w
                    var acc: Float = 0
                    for c in 0..<w { acc += dt[c] * e[c] }
                    dInput[b * L + l] = acc
                }
            }
        }
    }
}
