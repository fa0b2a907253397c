import Codes
import Foundation

/// The decoders of `eccbench qec` by name, built for one operating point (their weights depend on p and q).
public enum QuantumDecoders {
    public static let names = ["mwpm", "uf", "bposd", "bpm", "neural"]

    /// mwpm and uf, and the shipped neural decoder when one exists for the problem.
    public static func defaults(for problem: DecodingProblem) -> [String] {
        ["mwpm", "uf"] + (ShippedQuantumModels.files(for: problem).isEmpty ? [] : ["neural"])
    }
    public static let help = """
          mwpm     exact minimum-weight perfect matching (sparse blossom), X and Z halves apart, space-time graph
                   for T > 1
          uf       Union-Find (Delfosse & Nickerson), same graphs
          bposd    BP (sum-product, 30 iterations) + OSD order 2 on each half, one round only
          bpm      belief-matching: BP on the full noise model (X, Y, Z together) reweights mwpm's graphs each
                   shot, one round only
          neural   the shipped neural quantum decoder of the code, noise and rounds (toric-4: depolarizing,
                   independent, depolarizing with --rounds 2 or 4)
          LABEL=D  decoder D reported as LABEL (best=neural:runs/best.safetensors)
          neural:FILE   the neural quantum decoder (DQEC) with these weights; FILE@H sets the head count
                   when the file does not record it (reference exports; default 16)
        """

    public static func make(_ name: String, problem: DecodingProblem, p: Double, q: Double?) throws
        -> any QuantumDecoder
    {
        if let (label, spec) = LabelledDecoder.split(name) {
            return LabelledQuantumDecoder(base: try make(spec, problem: problem, p: p, q: q), name: label)
        }
        if let spec = neuralFile(name) {
            return NeuralQuantumDecoder(
                model: try DQECModel.load(problem: problem, weightsAt: spec.path, heads: spec.heads), name: name)
        }
        try check(name)
        switch name.lowercased() {
        case "mwpm": return try MatchingDecoder(problem: problem, p: p, q: q)
        case "bposd": return try BPOSDDecoder(problem: problem, p: p)
        case "bpm": return try BeliefMatchingDecoder(problem: problem, p: p)
        case "neural": return try ShippedQuantumModels.decoder(for: problem)
        default: return try UnionFindDecoder(problem: problem, p: p, q: q)
        }
    }

    /// True for the decoders that do not take p (`neural`, `neural:FILE`): one instance, its weights loaded once,
    /// serves every p point.
    public static func isIndependentOfP(_ name: String) -> Bool {
        if let (_, spec) = LabelledDecoder.split(name) { return isIndependentOfP(spec) }
        return neuralFile(name) != nil || name.lowercased() == "neural"
    }

    /// `neural:FILE` or `neural:FILE@H`: the file and the head count, or nil for another name.
    static func neuralFile(_ name: String) -> (path: String, heads: Int?)? {
        guard name.lowercased().hasPrefix("neural:") else { return nil }
        let rest = String(name.dropFirst("neural:".count))
        if let at = rest.lastIndex(of: "@"), let h = Int(rest[rest.index(after: at)...]) {
            return (String(rest[..<at]), h)
        }
        return (rest, nil)
    }

    /// Throws for a name that is not a decoder, suggesting the closest.
    public static func check(_ name: String) throws {
        if let (_, spec) = LabelledDecoder.split(name) { return try check(spec) }
        if let spec = neuralFile(name) {
            guard FileManager.default.fileExists(atPath: spec.path) else {
                throw QECCError("decoder '\(name)': no file '\(spec.path)'")
            }
            return
        }
        guard !names.contains(name.lowercased()) else { return }
        let closest = names.min { Catalog.editDistance(name, $0) < Catalog.editDistance(name, $1) } ?? "mwpm"
        throw QECCError(
            "unknown quantum decoder '\(name)'; did you mean '\(closest)'? Decoders: \(names.joined(separator: ", "))")
    }
}

/// A quantum decoder under a label the user gave (`mine=neural:model.safetensors`).
public typealias LabelledQuantumDecoder = Labelled<any QuantumDecoder>

extension Labelled: QuantumDecoder where Base == any QuantumDecoder {
    public func decode(
        detections: UnsafeBufferPointer<UInt8>, count: Int, into corrections: UnsafeMutableBufferPointer<UInt8>
    ) {
        base.decode(detections: detections, count: count, into: corrections)
    }
}
