import Base
import Neural

/// The DC-ECCT's output head (docs/DESIGN.md §7; reference `DC_ECC_Transformer.loss`): each bit's logit reads its own
/// final state and the states of the checks that cover it, through H:
///
///   e_j = −h[b, j],  u_c = −h[b, n + c]                         (the reference negates the encoder output)
///   v_j = A·e_j + b_A + B·(Σ_c H_cj u_c) + m·b_B                 A `mag_to_mag`, B `synd_to_mag` (d → d)
///   z_j = w·v_j + b_w                                           w `oned_final_embed.0` (d → 1)
///
/// (the reference applies B with its bias to every H_cj·u_c, c over all m checks, then sums: hence m·b_B.) z > 0 means
/// "flipped". h: [B, n + m, d], H: [m, n] (real entries allowed), z: [B, n]. `backward` writes ∂ℓ/∂h and accumulates
/// the parameters' gradients and ∂ℓ/∂H.
public struct CheckAwareHead: Sendable {
    public let bits: Int
    public let checks: Int
    public let width: Int
    public let token: LinearLayer
    public let fromChecks: LinearLayer
    public let fromBits: LinearLayer

    /// Registered in the reference's order: `oned_final_embed.0`, `synd_to_mag`, `mag_to_mag`.
    public init<G: RandomNumberGenerator>(
        _ parameters: ParameterSet, names: (token: String, fromChecks: String, fromBits: String),
        bits n: Int, checks m: Int, width d: Int, using rng: inout G
    ) {
        bits = n; checks = m; width = d
        token = LinearLayer(parameters, name: names.token, inFeatures: d, outFeatures: 1, using: &rng)
        fromChecks = LinearLayer(parameters, name: names.fromChecks, inFeatures: d, outFeatures: d, using: &rng)
        fromBits = LinearLayer(parameters, name: names.fromBits, inFeatures: d, outFeatures: d, using: &rng)
    }

    public struct Workspace: @unchecked Sendable {
        let owner: Arena
        let e, u, pooled, v, fromChecksOut, dv, dPooled, de: UnsafeMutablePointer<Float>
        public init(batch B: Int, bits n: Int, checks m: Int, width d: Int, arena: Arena) {
            owner = arena
            e = arena.take(B * n * d); u = arena.take(B * m * d); pooled = arena.take(B * n * d);
            v = arena.take(B * n * d)
            fromChecksOut = arena.take(B * n * d); dv = arena.take(B * n * d); dPooled = arena.take(B * n * d)
            de = arena.take(B * n * d)
        }
    }

    // h: [B, L, d], H: [m, n] → z: [B, n]
    public func forward(
        h: UnsafePointer<Float>, H: UnsafePointer<Float>, z: UnsafeMutablePointer<Float>, batch B: Int,
        workspace ws: Workspace, parameters p: UnsafePointer<Float>
    ) {
        let n = bits, m = checks, d = width, L = n + m
        for b in 0..<B {
            let hb = h + b * L * d
            for i in 0..<(n * d) { ws.e[b * n * d + i] = -hb[i] }
            for i in 0..<(m * d) { ws.u[b * m * d + i] = -hb[n * d + i] }
            // pooled_j = Σ_c H_cj u_c
            let pooled = ws.pooled + b * n * d, u = ws.u + b * m * d
            pooled.initialize(repeating: 0, count: n * d)
            for c in 0..<m {
                for j in 0..<n {
                    let w = H[c * n + j]
                    if w == 0 { continue }
                    for i in 0..<d { pooled[j * d + i] += w * u[c * d + i] }
                }
            }
        }
        fromBits.forward(x: ws.e, y: ws.v, rows: B * n, parameters: p)
        fromChecks.forward(x: ws.pooled, y: ws.fromChecksOut, rows: B * n, parameters: p)
        let extra = Float(m - 1), bias = p + fromChecks.bias!
        for r in 0..<(B * n) {
            for i in 0..<d { ws.v[r * d + i] += ws.fromChecksOut[r * d + i] + extra * bias[i] }
        }
        token.forward(x: ws.v, y: z, rows: B * n, parameters: p)
    }

    /// dh [B, L, d] (written) from dz [B, n]; parameter gradients and dH [m, n] accumulate.
    public func backward(
        dz: UnsafePointer<Float>, H: UnsafePointer<Float>, dh: UnsafeMutablePointer<Float>,
        dH: UnsafeMutablePointer<Float>, batch B: Int, workspace ws: Workspace,
        parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>
    ) {
        let n = bits, m = checks, d = width, L = n + m, R = B * n
        token.backward(dy: dz, x: ws.v, dx: ws.dv, rows: R, parameters: p, gradients: g)
        fromBits.backward(dy: ws.dv, x: ws.e, dx: ws.de, rows: R, parameters: p, gradients: g)
        fromChecks.backward(dy: ws.dv, x: ws.pooled, dx: ws.dPooled, rows: R, parameters: p, gradients: g)
        let dBias = g + fromChecks.bias!, extra = Float(m - 1)
        for r in 0..<R { for i in 0..<d { dBias[i] += extra * ws.dv[r * d + i] } }
        for b in 0..<B {
            let dhb = dh + b * L * d, de = ws.de + b * n * d, dPooled = ws.dPooled + b * n * d, u = ws.u + b * m * d
            for i in 0..<(n * d) { dhb[i] = -de[i] }
            for c in 0..<m {
                let du = dhb + (n + c) * d
                du.initialize(repeating: 0, count: d)
                for j in 0..<n {
                    let w = H[c * n + j], dp = dPooled + j * d
                    var dot: Float = 0
                    for i in 0..<d { dot += dp[i] * u[c * d + i]; du[i] -= w * dp[i] }
                    dH[c * n + j] += dot
                }
            }
        }
    }
}
