import Foundation
import GF2

/// The Pauli noise models of the neural papers (docs/DESIGN.md §8).
public enum PauliNoise: String, CaseIterable, Sendable, Codable {
    /// Each qubit suffers a Z flip with probability p, seen by the X checks (one CSS half).
    case independent
    /// X, Y, Z each with probability p/3, both halves.
    case depolarizing
    /// A detector error model's mechanisms (`qec --dem`): not a noise of `DecodingProblem`; p scales every prior.
    case circuit

    public static func named(_ raw: String) throws -> PauliNoise {
        let s = raw.lowercased()
        if let m = PauliNoise(rawValue: s), m != .circuit { return m }
        if ["depolarization", "depolarising", "depolarisation", "depol"].contains(s) { return .depolarizing }
        throw QECCError("unknown noise '\(raw)'; use independent or depolarizing")
    }
}

/// A code, a noise model and a number of measurement rounds, in the binary view of the neural papers.
///
/// The error vector e has N bits and the syndrome of a round M bits. Independent noise: e is the Z part (N = n),
/// H = H_X, the logicals L = logicalX. Depolarising: e = [X part | Z part] (N = 2n), H = blockdiag(H_Z, H_X), so the
/// syndrome is [H_Z·e_X | H_X·e_Z], and L = blockdiag(logicalZ, logicalX). A shot fails when L·(e ⊕ ê) ≠ 0.
/// With T rounds the decoder sees T·M detection bits, round-major: round 0's syndrome, then the differences of
/// successive measured syndromes (the last round is measured perfectly).
public struct DecodingProblem: Sendable {
    /// One CSS half: its checks at `syndromeOffset` of each round's M bits, acting on e[errorOffset ..< + n].
    public struct Half: Sendable {
        public let checks: BitMatrix
        public let syndromeOffset: Int
        public let errorOffset: Int
        public let logicals: BitMatrix
    }

    public let code: CSSCode
    public let noise: PauliNoise
    public let rounds: Int
    public let halves: [Half]
    /// Bits of the error vector (N) and of one round's syndrome (M).
    public let errorLength: Int
    public let syndromeLength: Int

    public init(code: CSSCode, noise: PauliNoise, rounds: Int = 1) throws {
        guard rounds >= 1 else { throw QECCError("--rounds must be ≥ 1, got \(rounds)") }
        guard rounds <= 1024 else { throw QECCError("--rounds \(rounds) is more than the 1024 allowed") }
        self.code = code
        self.noise = noise
        self.rounds = rounds
        switch noise {
        case .circuit:
            throw QECCError("circuit-level noise comes from a detector error model (qec --dem FILE), not from a code")
        case .independent:
            halves = [Half(checks: code.hx, syndromeOffset: 0, errorOffset: 0, logicals: code.logicalX)]
            errorLength = code.n
            syndromeLength = code.hx.rows
        case .depolarizing:
            halves = [
                Half(checks: code.hz, syndromeOffset: 0, errorOffset: 0, logicals: code.logicalZ),
                Half(checks: code.hx, syndromeOffset: code.hz.rows, errorOffset: code.n, logicals: code.logicalX),
            ]
            errorLength = 2 * code.n
            syndromeLength = code.hz.rows + code.hx.rows
        }
        guard rounds * syndromeLength <= DecodingProblem.maxDetectors else {
            throw QECCError(
                "\(code.name) with --rounds \(rounds): \(rounds * syndromeLength) detection bits a shot (\(rounds) × "
                    + "\(syndromeLength)); at most \(DecodingProblem.maxDetectors) (a block of shots is held in memory)"
            )
        }
    }

    /// Most detection bits a shot (T·M): a block of 256 shots then holds at most 256 MiB of detections.
    public static let maxDetectors = 1 << 20

    /// The stacked check matrix H [M, N] of the neural papers.
    public var checkMatrix: BitMatrix { blockDiagonal(halves.map(\.checks)) }
    /// The stacked logical matrix L [K, N]: a logical is flipped iff its row has odd overlap with the residual.
    public var logicalMatrix: BitMatrix { blockDiagonal(halves.map(\.logicals)) }

    /// Expected detection events a shot in each half at p (q for the measurements, default p): a check of weight w fires
    /// with probability (1 − (1 − 2p′)^w (1 − 2q)^2) / 2 (p′ the half's marginal flip probability; the q factor only
    /// with T > 1), summed over the half's checks and the T rounds.
    public func expectedDefects(p: Double, q: Double? = nil) -> [Double] {
        let flip = min(0.5, max(0, marginalFlipProbability(p))), measure = min(0.5, max(0, q ?? p))
        let measurementFactor = rounds > 1 ? (1 - 2 * measure) * (1 - 2 * measure) : 1
        return halves.map { half in
            var total = 0.0
            for r in 0..<half.checks.rows {
                let w = Double(half.checks.rowWeight(r))
                total += (1 - pow(1 - 2 * flip, w) * measurementFactor) / 2
            }
            return total * Double(rounds)
        }
    }

    /// Throws unless `value` is a probability (finite, in [0, 1]), naming the flag.
    public static func checkProbability(_ value: Double, _ name: String) throws {
        guard value.isFinite, (0...1).contains(value) else { throw QECCError("--\(name) \(value) is outside [0, 1]") }
    }

    /// Probability that one half's bit of a qubit flips in one round: p (independent) or 2p/3 (depolarising).
    public func marginalFlipProbability(_ p: Double) -> Double { noise == .independent ? p : 2 * p / 3 }

    func blockDiagonal(_ blocks: [BitMatrix]) -> BitMatrix {
        var out = BitMatrix(rows: blocks.reduce(0) { $0 + $1.rows }, columns: blocks.reduce(0) { $0 + $1.columns })
        var r0 = 0, c0 = 0
        for b in blocks {
            for r in 0..<b.rows { for c in b.row(r).support { out[r0 + r, c0 + c] = true } }
            r0 += b.rows; c0 += b.columns
        }
        return out
    }
}
