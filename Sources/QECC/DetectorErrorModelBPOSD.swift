import Base
import Codes
import GF2

/// `bposd` on a detector error model: BP + OSD on the full check matrix H [detectors, mechanisms] with each
/// mechanism's own prior (Roffe et al. 2020; Higgott et al. 2023 for circuit noise), as `BPOSDDecoder` does on a CSS
/// half: e₀ with H·e₀ = s (`SyndromeSolver`), sum-product BP on the coset with LLRs ±log((1 − p_j)/p_j), and when BP does
/// not converge OSD on BP's posteriors, order 2 over a combination sweep of the 10 least reliable information
/// positions (OSD-CS; all weight-1 patterns). The correction marks mechanisms; `DetectorErrorModelDecoder` maps it to
/// observable flips.
struct DetectorErrorModelBPOSD: QuantumDecoder {
    let name: String
    let code: LinearCode
    let bp: BeliefPropagationDecoder
    let osd: OrderedStatisticsDecoder
    let solver: SyndromeSolver
    let priorLLR: [Float]

    /// Most mechanisms: OSD eliminates the [detectors, mechanisms] matrix for every shot BP leaves unsolved.
    static let maxMechanisms = 20_000

    init(name: String, check: BitMatrix, priors: [Double], iterations: Int = 30, sweep: Int = 10) throws {
        guard check.columns <= Self.maxMechanisms else {
            throw QECCError(
                "\(name): \(check.columns) mechanisms; OSD's elimination per shot limits bposd to \(Self.maxMechanisms) "
                    + "(use mwpm or uf)")
        }
        self.name = name
        code = LinearCode(name: "DEM", parityCheck: check)
        bp = BeliefPropagationDecoder(code: code, iterations: iterations)
        osd = OrderedStatisticsDecoder(code: code, order: 2, sweep: sweep)
        solver = SyndromeSolver(checks: check)
        // p = 0 never fires (a large LLR); p ≥ ½ is clamped just below
        priorLLR = priors.map { Float(logOdds(min(max($0, 1e-12), 0.5 - 1e-9))) }
    }

    func decode(detections: UnsafeBufferPointer<UInt8>, count: Int, into corrections: UnsafeMutableBufferPointer<UInt8>)
    {
        let m = code.H.rows, n = code.n
        var bits = [UInt8](repeating: 0, count: n), posteriors = [Float](repeating: 0, count: n)
        var llr = [Float](repeating: 0, count: n)
        for s in 0..<count {
            let out = corrections.baseAddress! + s * n
            out.initialize(repeating: 0, count: n)
            let row = detections.baseAddress! + s * m
            guard (0..<m).contains(where: { row[$0] != 0 }) else { continue }
            let e0 = solver.solve(BitVector(bits: (0..<m).map { row[$0] }))
            for j in 0..<n { llr[j] = e0[j] == 1 ? -priorLLR[j] : priorLLR[j] }
            if !bp.decodeWithPosteriors(llr: llr, bits: &bits, posteriors: &posteriors) {
                bits = osd.decode(llr: posteriors, n: n)
            }
            for j in 0..<n { out[j] = bits[j] ^ e0[j] }
        }
    }
}
