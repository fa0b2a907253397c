import Codes
import ECCT
import Foundation
import LearnedCodes
import Neural
import QECC

/// Every decoder by name, for the command and for library users alike: `DecoderCatalog.make("bp50", code: code)`.
///
/// Classical (`DecoderRegistry`): bpN, msN, nmsN, omsN, lbpN, osd0…osd3, bm, sc, sclL. Neural: `ecct` (the best shipped
/// ECCT for the code), `ecct-N<l>-d<w>` (a shipped size), `ecct:FILE`; `aecct`, `aecct-N<l>-d<w>`,
/// `aecct:FILE[@tensor|@none]`; `dc-ecct` (a shipped learned code's joint decoder), `dc-ecct:FILE`. Combinator:
/// `D+ttaK`, decoder D over K automorphisms of the code. Quantum decoders: `quantum(_:problem:p:q:)` (mwpm, uf, bposd, neural, neural:FILE).
///
/// Errors are `CodeError`s that quote the name and say what would work (the valid names, the shipped sizes, how to
/// train a missing model).
public enum DecoderCatalog {
    public static let help =
        DecoderRegistry.help + "\n" + """
            ecct  the best shipped ECCT model for the code, ecct-N6-d128 a given size, ecct:FILE.safetensors your weights
            aecct  the shipped ternary AECCT for the code, aecct-N2-d32 a given size, aecct:FILE.safetensors your weights
                   (aecct:FILE@tensor: the reference's batch-wide INT8 scales, over each chunk of 32 words;
                   aecct:FILE@none: float activations, a QAT file's ternary weights alone)
            dc-ecct  a learned code's joint decoder: the shipped one (LEARNED-31-16), dc-ecct:FILE.safetensors from learn-code
            D+ttaK  any decoder D over K automorphisms of the code, keeping the best codeword (ecct+tta8, bp50+tta4)
            D+osdK  OSD of order K (0…3) on D's soft-output order and on the channel's, the likeliest kept (ecct+osd1,
                   bp50+osd2, ecct+tta4+osd1; D: channel, bpN, msN, nmsN, omsN, lbpN, ecct, aecct, dc-ecct, and their
                   +ttaK: OSD on every image's order too; channel+osdK is osdK)
            LABEL=D  decoder D reported as LABEL in tables, CSV, JSON and plots (long=ecct:runs/long.safetensors)
            """

    /// The decoder a name gives for `code`.
    public static func make(_ raw: String, code: LinearCode) throws -> any Decoder {
        // LABEL=DECODER: the decoder under the user's label (two files of one family told apart)
        if let (label, spec) = LabelledDecoder.split(raw) {
            return LabelledDecoder(base: try make(spec, code: code), name: label)
        }
        // DECODER+osdK: OSD ordered by the decoder's soft output
        if let range = raw.range(of: "+osd", options: [.caseInsensitive, .backwards]) {
            let baseName = String(raw[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
            guard let order = Int(raw[range.upperBound...].trimmingCharacters(in: .whitespaces)) else {
                throw CodeError("decoder '\(raw)': +osdK needs an order K in 0…3, e.g. ecct+osd1")
            }
            let base = try make(baseName, code: code)
            let ensembleBase = (base as? AutomorphismEnsembleDecoder)?.base
            guard let soft = base as? any SoftOutputDecoder, ensembleBase.map({ $0 is any SoftOutputDecoder }) ?? true
            else {
                throw CodeError(
                    "decoder '\(raw)': '\(baseName)' has no soft output to order OSD by; decoders with one: channel, "
                        + "bpN, msN, nmsN, omsN, lbpN, ecct, aecct, dc-ecct")
            }
            return try SoftOrderedStatisticsDecoder(
                base: soft, code: code, order: order, name: raw.trimmingCharacters(in: .whitespaces))
        }
        // DECODER+ttaK: an ensemble over K automorphisms of the code (test-time augmentation)
        if let range = raw.range(of: "+tta", options: [.caseInsensitive, .backwards]) {
            let baseName = String(raw[..<range.lowerBound]), countText = raw[range.upperBound...]
            guard let k = Int(countText), (1...1024).contains(k) else {
                throw CodeError("decoder '\(raw)': +ttaK needs a count K in 1…1024, e.g. ecct+tta8")
            }
            let group = try Automorphisms.group(for: code)
            return AutomorphismEnsembleDecoder(
                base: try make(baseName, code: code), code: code,
                permutations: AutomorphismEnsembleDecoder.spread(group, count: k),
                name: raw.trimmingCharacters(in: .whitespaces))
        }
        let name = raw.trimmingCharacters(in: .whitespaces)
        let lower = name.lowercased()
        if lower == "channel" { return ChannelDecoder(n: code.n) }
        if lower == "dc-ecct" || lower.hasPrefix("dc-ecct:") { return try learnedCodeDecoder(name, code: code) }
        for arch in ["ecct", "aecct"] where lower == arch || lower.hasPrefix(arch + "-") || lower.hasPrefix(arch + ":")
        {
            return try ecctDecoder(name, architecture: arch, code: code)
        }
        do { return try DecoderRegistry.make(raw, code: code) } catch let e as CodeError {
            throw CodeError(e.message.replacingOccurrences(of: DecoderRegistry.help, with: help))
        }
    }

    /// The default decoders for a code: bp5, bp50, osd2 (k ≤ 128), bm for BCH, sc and scl8 for polar codes, `ecct` and
    /// `ecct+osd1` (OSD-1 on the ECCT's order and the channel's: one network pass, 2(k + 1) test patterns) / `aecct` when a shipped
    /// model decodes the code, `dc-ecct` for a shipped learned code.
    public static func defaults(for code: LinearCode) -> [String] {
        var names = ["bp5", "bp50"]
        if code.k <= 128 { names.append("osd2") }
        switch code.structure {
        case .bch: names.append("bm")
        case .polar: names += ["sc", "scl8"]
        case .none: break
        }
        if !PretrainedModels.applicable(to: code).isEmpty { names += ["ecct", "ecct+osd1"] }
        if !PretrainedModels.applicable(to: code, architecture: "aecct").isEmpty { names.append("aecct") }
        if !ShippedLearnedCodes.models(for: code).isEmpty { names.append("dc-ecct") }
        return names
    }

    /// A quantum decoder by name for one operating point (`QuantumDecoders`).
    public static func quantum(_ name: String, problem: DecodingProblem, p: Double, q: Double? = nil) throws
        -> any QuantumDecoder
    {
        try QuantumDecoders.make(name, problem: problem, p: p, q: q)
    }

    /// The default quantum decoders for a problem: mwpm, uf, and the shipped neural decoder when one exists.
    public static func quantumDefaults(for problem: DecodingProblem) -> [String] {
        QuantumDecoders.defaults(for: problem)
    }
}
