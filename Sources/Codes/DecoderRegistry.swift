/// Decoders by command-line name (case-insensitive).
///
/// bpN (sum-product, flooding), msN (min-sum), nmsN (normalized min-sum, α = 0.75), omsN (offset min-sum,
/// β = 0.5), lbpN (layered sum-product), osd0…osd3, bm (Berlekamp–Massey, BCH), sc, sclL (polar).
public enum DecoderRegistry {
    public static let normalizedAlpha: Float = 0.75
    public static let offsetBeta: Float = 0.5

    public static let help = """
        bpN  sum-product BP, flooding, N iterations (bp50)     lbpN layered sum-product BP (lbp50)
        msN  min-sum        nmsN normalized min-sum (α 0.75)   omsN offset min-sum (β 0.5)
        osd0…osd3  ordered-statistics decoding (near-ML)       bm   Berlekamp–Massey (BCH codes)
        sc   successive cancellation, sclL  SC list of size L (polar codes, e.g. scl8)
        """

    /// A decoder for the code; throws with the list of valid names on an unknown name.
    public static func make(_ raw: String, code: LinearCode) throws -> any Decoder {
        let name = raw.lowercased().trimmingCharacters(in: .whitespaces)
        func iterations(_ prefix: String) -> Int? {
            guard name.hasPrefix(prefix), let v = Int(name.dropFirst(prefix.count)) else { return nil }
            return v
        }
        func checkIterations(_ v: Int) throws -> Int {
            guard (1...10_000).contains(v) else { throw CodeError("decoder '\(raw)': iterations must be in 1...10000") }
            return v
        }
        if let v = iterations("lbp") {
            return BeliefPropagationDecoder(
                code: code, iterations: try checkIterations(v), schedule: .layered, name: name)
        }
        if let v = iterations("nms") {
            return BeliefPropagationDecoder(
                code: code, iterations: try checkIterations(v),
                rule: .normalizedMinSum(alpha: normalizedAlpha), name: name)
        }
        if let v = iterations("oms") {
            return BeliefPropagationDecoder(
                code: code, iterations: try checkIterations(v),
                rule: .offsetMinSum(beta: offsetBeta), name: name)
        }
        if let v = iterations("ms") {
            return BeliefPropagationDecoder(code: code, iterations: try checkIterations(v), rule: .minSum, name: name)
        }
        if let v = iterations("bp") {
            return BeliefPropagationDecoder(code: code, iterations: try checkIterations(v), name: name)
        }
        if let v = iterations("osd") {
            guard (0...3).contains(v) else { throw CodeError("decoder '\(raw)': OSD order must be 0…3") }
            return OrderedStatisticsDecoder(code: code, order: v, name: name)
        }
        if name == "bm" { return try BerlekampMasseyDecoder(code: code) }
        if name == "sc" { return try PolarListDecoder(code: code, listSize: 1) }
        if let v = iterations("scl") { return try PolarListDecoder(code: code, listSize: v, name: name) }
        throw CodeError("unknown decoder '\(raw)'; valid decoders:\n\(help)")
    }
}
