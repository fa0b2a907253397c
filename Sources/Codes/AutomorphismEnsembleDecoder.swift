/// Test-time augmentation over automorphisms (an automorphism ensemble): decode the word under each permutation
/// π of `permutations` (y′_j = y_{π(j)}), map each decision back, and keep, among the decisions that are
/// codewords, the one with the best correlation Σ_j llr_j·(1 − 2x̂_j) (the most likely codeword of the ensemble);
/// when none is a codeword, the first permutation's decision (the identity's) stands.
public struct AutomorphismEnsembleDecoder: Decoder {
    public let name: String
    public let base: any Decoder
    public let permutations: [[Int]]
    let graph: TannerGraph
    let n: Int

    public init(base: any Decoder, code: LinearCode, permutations: [[Int]], name: String) {
        precondition(
            !permutations.isEmpty && permutations.allSatisfy { $0.count == code.n }, "ensemble: bad permutations")
        self.name = name
        self.base = base
        self.permutations = permutations
        self.graph = code.tannerGraph
        self.n = code.n
    }

    /// `count` permutations spread over the group (the identity first).
    public static func spread(_ group: [[Int]], count: Int) -> [[Int]] {
        let k = min(count, group.count)
        return (0..<k).map { group[$0 * group.count / k] }
    }

    public func decode(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>) {
        decode(llr: llr, count: count, llrScale: 1, into: bits)
    }

    public func decode(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into bits: UnsafeMutableBufferPointer<UInt8>
    ) {
        run(llr: llr, count: count, llrScale: llrScale, bits: bits, soft: nil)
    }

    /// The ensemble's decisions into `bits`, and with `soft` the soft output of the permutation whose decision was
    /// kept, mapped back (its hard decision is the kept decision). `soft` needs a base with a soft output.
    func run(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, bits: UnsafeMutableBufferPointer<UInt8>,
        soft: UnsafeMutableBufferPointer<Float>?, every: Bool = false
    ) {
        let n = self.n
        let softBase = soft == nil ? nil : base as? any SoftOutputDecoder
        precondition(soft == nil || softBase != nil, "\(name): \(base.name) has no soft output")
        var best = [Float](repeating: -.infinity, count: count)
        var permuted = [Float](repeating: 0, count: count * n), decided = [UInt8](repeating: 0, count: count * n)
        var permutedSoft = [Float](repeating: 0, count: softBase == nil ? 0 : count * n)
        var word = [UInt8](repeating: 0, count: n)
        for (index, π) in permutations.enumerated() {
            for f in 0..<count { for j in 0..<n { permuted[f * n + j] = llr[f * n + π[j]] } }
            permuted.withUnsafeBufferPointer { p in
                if let softBase {
                    permutedSoft.withUnsafeMutableBufferPointer {
                        softBase.decodeSoft(llr: p, count: count, llrScale: llrScale, into: $0)
                    }
                    for i in 0..<(count * n) { decided[i] = hardDecision(permutedSoft[i]) }
                } else {
                    decided.withUnsafeMutableBufferPointer {
                        base.decode(llr: p, count: count, llrScale: llrScale, into: $0)
                    }
                }
            }
            for f in 0..<count {
                if every, let soft {
                    let base = (f * permutations.count + index) * n
                    for j in 0..<n { soft[base + π[j]] = permutedSoft[f * n + j] }
                }
                for j in 0..<n { word[π[j]] = decided[f * n + j] }
                let isCodeword = word.withUnsafeMutableBufferPointer { graph.satisfiesAllChecks($0) }
                var metric: Float = 0
                for j in 0..<n { metric += word[j] == 0 ? llr[f * n + j] : -llr[f * n + j] }
                // the identity's decision is the fallback; codewords replace it by correlation
                let score = isCodeword ? metric : (index == 0 ? -Float.greatestFiniteMagnitude : -.infinity)
                if score > best[f] {
                    best[f] = score
                    for j in 0..<n { bits[f * n + j] = word[j] }
                    if let soft, !every { for j in 0..<n { soft[f * n + π[j]] = permutedSoft[f * n + j] } }
                }
            }
        }
    }
}

extension AutomorphismEnsembleDecoder: SoftOutputDecoder {
    /// The kept permutation's soft output, mapped back (the base must have one: the catalog checks).
    public func decodeSoft(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into soft: UnsafeMutableBufferPointer<Float>
    ) {
        var bits = [UInt8](repeating: 0, count: count * n)
        bits.withUnsafeMutableBufferPointer { run(llr: llr, count: count, llrScale: llrScale, bits: $0, soft: soft) }
    }
}

extension AutomorphismEnsembleDecoder {
    public var softOutputsPerFrame: Int { permutations.count }

    /// Every permutation's soft output, mapped back: [count, K, n].
    public func decodeSoftOutputs(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into soft: UnsafeMutableBufferPointer<Float>
    ) {
        var bits = [UInt8](repeating: 0, count: count * n)
        bits.withUnsafeMutableBufferPointer {
            run(llr: llr, count: count, llrScale: llrScale, bits: $0, soft: soft, every: true)
        }
    }
}
