import Base
import Foundation
import Neural

/// The AECCT's spectral positional encoding as a layer (docs/DESIGN.md §6): from the Laplacian table T [L, L, 2] of
/// `SpectralPositionalEncoding` (entry (i, j) = (λ_j, u_j[i])), node i's encoding
///
///   v_ij = W·t_ij + b                                   `lpe_proj`: W [C, 2], b [C] (C = 8 channels)
///   o_ij[a] = Σ_c softmax_c(v_ij[a]·v_ij[c]) · v_ij[c]    parameter-free attention across the channels (one per head,
///                                                        d_head = 1, so no 1/√d scale)
///   spe[i] = (1/L) Σ_j o_ij                              → spe [L, C]
///
/// It does not depend on the batch: computed once per forward pass, its gradient flows into `lpe_proj` only.
public struct SpectralEncodingLayer: Sendable {
    public let length: Int
    public let channels: Int
    public let weight: Int
    public let bias: Int

    /// Registers `<name>.weight` [C, 2] (Xavier-uniform) and `<name>.bias` [C] (U(±1/√2)), as `nn.Linear(2, C)`.
    public init<G: RandomNumberGenerator>(
        _ parameters: ParameterSet, name: String = "lpe_proj", length L: Int,
        channels C: Int = 8, using rng: inout G
    ) {
        precondition(L >= 1 && C >= 1, "SpectralEncodingLayer: L = \(L), C = \(C)")
        length = L; channels = C
        let layer = LinearLayer(parameters, name: name, inFeatures: 2, outFeatures: C, using: &rng)
        weight = layer.weight; bias = layer.bias!
    }

    /// The attention of one token: v [C] → o [C]; p [C, C] receives the probabilities.
    @inline(__always)
    func attend(_ v: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ p: UnsafeMutablePointer<Float>) {
        let C = channels
        for a in 0..<C {
            var mx = -Float.infinity
            for c in 0..<C { mx = max(mx, v[a] * v[c]) }
            var sum: Float = 0
            for c in 0..<C { let e = expf(v[a] * v[c] - mx); p[a * C + c] = e; sum += e }
            var out: Float = 0
            for c in 0..<C { p[a * C + c] /= sum; out += p[a * C + c] * v[c] }
            o[a] = out
        }
    }

    /// table [L, L, 2] → spe [L, C] (written). With C = 8 and a path other than `reference` the SIMD8 twin runs.
    public func forward(
        table: UnsafePointer<Float>, spe: UnsafeMutablePointer<Float>, parameters p: UnsafePointer<Float>,
        kernels: KernelPath = .best
    ) {
        if channels == 8 && kernels != .reference {
            forwardEightChannels(table: table, spe: spe, parameters: p); return
        }
        let L = length, C = channels, w = p + weight, b = p + bias
        var v = [Float](repeating: 0, count: C), o = v, probs = [Float](repeating: 0, count: C * C)
        for i in 0..<L {
            for a in 0..<C { spe[i * C + a] = 0 }
            for j in 0..<L {
                let t = table + (i * L + j) * 2
                for a in 0..<C { v[a] = w[a * 2] * t[0] + w[a * 2 + 1] * t[1] + b[a] }
                attend(v, &o, &probs)
                for a in 0..<C { spe[i * C + a] += o[a] }
            }
            for a in 0..<C { spe[i * C + a] /= Float(L) }
        }
    }

    /// Accumulates the gradients of `lpe_proj` from dSpe [L, C] (recomputing the forward per token).
    public func backward(
        table: UnsafePointer<Float>, dSpe: UnsafePointer<Float>, parameters p: UnsafePointer<Float>,
        gradients g: UnsafeMutablePointer<Float>, kernels: KernelPath = .best
    ) {
        if channels == 8 && kernels != .reference {
            backwardEightChannels(table: table, dSpe: dSpe, parameters: p, gradients: g)
            return
        }
        let L = length, C = channels, w = p + weight, b = p + bias
        var v = [Float](repeating: 0, count: C), o = v, dv = v, dp = [Float](repeating: 0, count: C * C), probs = dp
        for i in 0..<L {
            for j in 0..<L {
                let t = table + (i * L + j) * 2
                for a in 0..<C { v[a] = w[a * 2] * t[0] + w[a * 2 + 1] * t[1] + b[a] }
                attend(v, &o, &probs)
                for c in 0..<C { dv[c] = 0 }
                for a in 0..<C {
                    let dOut = dSpe[i * C + a] / Float(L)
                    // o_a = Σ_c p_ac v_c: into v directly and into p
                    var rowDot: Float = 0
                    for c in 0..<C {
                        dp[a * C + c] = dOut * v[c]; dv[c] += dOut * probs[a * C + c];
                        rowDot += probs[a * C + c] * dp[a * C + c]
                    }
                    // softmax: ds_ac = p_ac (dp_ac − Σ p·dp); s_ac = v_a v_c
                    for c in 0..<C {
                        let ds = probs[a * C + c] * (dp[a * C + c] - rowDot)
                        dv[a] += ds * v[c]; dv[c] += ds * v[a]
                    }
                }
                for a in 0..<C {
                    g[weight + a * 2] += dv[a] * t[0]; g[weight + a * 2 + 1] += dv[a] * t[1]; g[bias + a] += dv[a]
                }
            }
        }
    }
}
