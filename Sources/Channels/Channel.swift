import Base
import Foundation

/// Binary-input channels with BPSK (bit 0 → +1, bit 1 → −1) and their LLRs (positive means bit 0).
public enum ChannelModel: String, Sendable, CaseIterable, Codable {
    /// y = x + z, z ~ N(0, σ²), σ² = 1 / (2 R 10^(Eb/N0 / 10)); LLR = 2y/σ². Parameter: Eb/N0 in dB.
    case awgn
    /// Each bit flipped with probability p; LLR = ±ln((1 − p)/p). Parameter: p.
    case bsc
    /// Each bit erased with probability ε (LLR 0), else known (LLR ±`BEC.knownLLR`). Parameter: ε.
    case bec

    /// The name of the x-axis parameter in tables and files.
    public var parameterName: String {
        switch self {
        case .awgn: "ebn0";
        case .bsc: "p";
        case .bec: "epsilon"
        }
    }

    /// Checks a parameter value; returns a message for an impossible one.
    public func validate(_ value: Double) -> String? {
        guard value.isFinite else { return "\(parameterName) = \(value) is not a finite number" }
        switch self {
        case .awgn: return (-20...40).contains(value) ? nil : "Eb/N0 = \(value) dB is outside −20…40 dB"
        case .bsc: return value > 0 && value < 0.5 ? nil : "BSC crossover p = \(value) must be in (0, 0.5)"
        case .bec: return value >= 0 && value < 1 ? nil : "BEC erasure probability ε = \(value) must be in [0, 1)"
        }
    }
}

public enum BEC { public static let knownLLR: Float = 50 }

/// Noise standard deviation for BPSK over AWGN: σ = √(1 / (2 R 10^(Eb/N0 / 10))) (docs/DESIGN.md §2).
public func awgnSigma(ebN0dB: Double, rate: Double) -> Double {
    (1 / (2 * rate * pow(10, ebN0dB / 10))).squareRoot()
}

/// One channel at one operating point, turning codewords into LLRs.
public struct Channel: Sendable {
    public let model: ChannelModel
    public let parameter: Double
    public let rate: Double
    /// Draw AWGN from the scalar reference twin (SeededRNG doubles through libm Box–Muller) instead of
    /// the SIMD generator: slower, for cross-checks.
    public var referenceNoise: Bool

    public init(model: ChannelModel, parameter: Double, rate: Double, referenceNoise: Bool = false) {
        self.model = model
        self.parameter = parameter
        self.rate = rate
        self.referenceNoise = referenceNoise
    }

    public var sigma: Double { awgnSigma(ebN0dB: parameter, rate: rate) }

    /// LLR per unit of channel output: LLR = llrScale · y (AWGN 2/σ², BSC ln((1−p)/p) with y = ±1,
    /// BEC `BEC.knownLLR` with y ∈ {−1, 0, +1}).
    public var llrScale: Float {
        switch model {
        case .awgn: let s = Float(sigma); return 2 / (s * s)
        case .bsc: return Float(logOdds(parameter))
        case .bec: return BEC.knownLLR
        }
    }

    /// Transmit 0/1 codeword bits; write LLRs.  bits, llr: [count] (any number of frames back to back).
    public func transmit(
        _ bits: UnsafeBufferPointer<UInt8>, into llr: UnsafeMutableBufferPointer<Float>,
        rng: inout SeededRNG
    ) {
        let count = bits.count
        switch model {
        case .awgn:
            let sigma = Float(self.sigma)
            let scale = 2 / (sigma * sigma)
            if referenceNoise {
                var i = 0
                while i < count {
                    let (z0, z1) = GaussianGenerator.reference(
                        u1: Float(1 - rng.nextDouble()), v: Float(rng.nextDouble() - 0.5))
                    llr[i] = z0
                    if i + 1 < count { llr[i + 1] = z1 }
                    i += 2
                }
            } else {
                var gauss = GaussianGenerator(using: &rng)
                gauss.fill(llr)
            }
            for i in 0..<count {
                let x: Float = bits[i] == 0 ? 1 : -1
                llr[i] = (x + sigma * llr[i]) * scale
            }
        case .bsc:
            let p = parameter
            let magnitude = Float(logOdds(p))
            let threshold = UInt64(p * 0x1p64)
            for i in 0..<count {
                let flipped = rng.next() < threshold
                let received = bits[i] ^ (flipped ? 1 : 0)
                llr[i] = received == 0 ? magnitude : -magnitude
            }
        case .bec:
            let threshold = UInt64(min(parameter, 1 - 0x1p-52) * 0x1p64)
            for i in 0..<count {
                llr[i] = rng.next() < threshold ? 0 : (bits[i] == 0 ? BEC.knownLLR : -BEC.knownLLR)
            }
        }
    }
}
