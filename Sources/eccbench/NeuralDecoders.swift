import Codes
import ECCT
import Foundation
import LearnedCodes
import Neural

/// Decoder names the command adds to `DecoderRegistry`'s: the ECCT.
///
///   ecct               the shipped model for the code (the smallest, when several)
///   ecct-N<l>-d<w>     the shipped model of that size (ecct-N6-d128)
///   ecct:PATH          weights from a safetensors file (N and d read from the shapes)
///   aecct              the shipped frozen AECCT for the code; aecct-N<l>-d<w> a size
///   aecct:PATH         an AECCT file at the precision it holds (fp, qat or frozen), token activation scales;
///                      aecct:PATH@tensor the reference's batch-wide scales (over each decoded chunk of 32 words)
enum NeuralDecoders {
    static let help = """
        ecct  the shipped ECCT model for the code, ecct-N6-d128 a given size, ecct:FILE.safetensors your weights
        aecct  the shipped ternary AECCT for the code, aecct-N2-d32 a given size, aecct:FILE.safetensors your weights
        dc-ecct  a learned code's joint decoder: the shipped one (LEARNED-31-16), dc-ecct:FILE.safetensors from learn-code
               (aecct:FILE@tensor: the reference's batch-wide INT8 scales, over each chunk of 32 words)
        D+ttaK  any decoder D over K automorphisms of the code, keeping the best codeword (ecct+tta8, bp50+tta4)
        """

    static func make(_ raw: String, code: LinearCode) throws -> any Decoder {
        // DECODER+ttaK: an ensemble over K automorphisms of the code (test-time augmentation)
        if let range = raw.range(of: "+tta", options: [.caseInsensitive, .backwards]) {
            let baseName = String(raw[..<range.lowerBound]), countText = raw[range.upperBound...]
            guard let k = Int(countText), (1...1024).contains(k) else {
                throw CommandError("decoder '\(raw)': +ttaK needs a count K in 1…1024, e.g. ecct+tta8")
            }
            let group = try Automorphisms.group(for: code)
            return AutomorphismEnsembleDecoder(base: try make(baseName, code: code), code: code,
                                               permutations: AutomorphismEnsembleDecoder.spread(group, count: k),
                                               name: raw.trimmingCharacters(in: .whitespaces))
        }
        let name = raw.trimmingCharacters(in: .whitespaces)
        let lower = name.lowercased()
        if lower.hasPrefix("dc-ecct:") {
            let path = String(name.dropFirst("dc-ecct:".count))
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandError("decoder '\(raw)': weights file '\(path)' does not exist")
            }
            do { return try JointDecoder.make(code: code, weightsAt: path, name: name) } catch let e as LearnedCodeError {
                throw CommandError(e.message)
            }
        }
        if lower == "dc-ecct" {
            guard let entry = ShippedLearnedCodes.models(for: code).first else {
                throw CommandError("decoder '\(raw)': no shipped learned-code decoder for \(code.name); the joint decoder of a code "
                                   + "learned with `eccbench learn-code --decoder-out FILE` is dc-ecct:FILE")
            }
            return try JointDecoder.make(code: code, weightsAt: entry.path, name: "dc-ecct")
        }
        for arch in ["ecct", "aecct"] {
            if lower.hasPrefix(arch + ":") {
                var path = String(name.dropFirst(arch.count + 1)), scope = ActivationQuantization.Scope.token
                for s in ActivationQuantization.Scope.allCases where path.hasSuffix("@" + s.rawValue) {
                    path = String(path.dropLast(s.rawValue.count + 1)); scope = s
                }
                guard FileManager.default.fileExists(atPath: path) else {
                    throw CommandError("decoder '\(raw)': weights file '\(path)' does not exist")
                }
                let model = try ECCTModel.load(code: code, weightsAt: path, scope: scope)
                if (arch == "aecct") != model.architecture.isAECCT {
                    throw CommandError("decoder '\(raw)': \(path) holds an \(model.architecture.isAECCT ? "AECCT" : "ECCT"); "
                                       + "use \(model.architecture.isAECCT ? "aecct" : "ecct"):FILE")
                }
                return ECCTDecoder(model: model, name: name)
            }
            if lower == arch || lower.hasPrefix(arch + "-") {
                let shipped = PretrainedModels.models(for: code, architecture: arch)
                let chosen = lower == arch ? shipped.first : shipped.first { "\(arch)-n\($0.layers)-d\($0.width)" == lower }
                guard let chosen else {
                    let have = shipped.map { "\(arch)-N\($0.layers)-d\($0.width)" }
                    throw CommandError("decoder '\(raw)': no shipped \(arch.uppercased()) model for \(code.name)"
                                       + (have.isEmpty ? "" : " of that size (shipped: \(have.joined(separator: ", ")))")
                                       + "; train one with `eccbench train --code \(code.name)\(arch == "aecct" ? " --arch aecct" : "") "
                                       + "--out FILE` and use \(arch):FILE")
                }
                return ECCTDecoder(model: try ECCTModel.load(code: code, weightsAt: chosen.path), name: lower)
            }
        }
        do { return try DecoderRegistry.make(raw, code: code) } catch let e as CodeError {
            throw CommandError(e.message + "\n" + help)
        }
    }
}
