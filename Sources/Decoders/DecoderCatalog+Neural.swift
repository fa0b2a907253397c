import Codes
import ECCT
import Foundation
import LearnedCodes
import Neural

extension DecoderCatalog {
    /// `ecct`, `ecct-N<l>-d<w>`, `ecct:FILE` and the AECCT's alike. A model runs with the H it was trained on: for a
    /// code given by another H of the same code (same row space) it computes its syndrome with its own H; a model of
    /// another code is refused, naming both. A model trained on non-zero syndromes only passes codewords through
    /// (`ECCTCheckpoint.trainedOnNonzeroSyndromesOnly`).
    static func ecctDecoder(_ name: String, architecture arch: String, code: LinearCode) throws -> any Decoder {
        let lower = name.lowercased()
        if lower.hasPrefix(arch + ":") {
            var path = String(name.dropFirst(arch.count + 1)), scope = ActivationQuantization.Scope.token
            for s in ActivationQuantization.Scope.allCases where path.hasSuffix("@" + s.rawValue) {
                path = String(path.dropLast(s.rawValue.count + 1))
                scope = s
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw CodeError("decoder '\(name)': weights file '\(path)' does not exist")
            }
            let (tensors, meta) = try SafeTensors.read(path: path)
            let own = try decodingCode(metadata: meta, of: path, for: code, decoder: name)
            let model = try ECCTModel.load(code: own, tensors: tensors, source: path, scope: scope)
            if (arch == "aecct") != model.architecture.isAECCT {
                let holds = model.architecture.isAECCT ? "aecct" : "ecct"
                throw CodeError("decoder '\(name)': \(path) holds an \(holds.uppercased()); use \(holds):FILE")
            }
            return ECCTDecoder(
                model: model, name: name, gatesCodewords: ECCTCheckpoint.trainedOnNonzeroSyndromesOnly(metadata: meta))
        }
        let shipped = PretrainedModels.applicable(to: code, architecture: arch)
        let chosen =
            lower == arch ? shipped.first : shipped.first { "\(arch)-n\($0.entry.layers)-d\($0.entry.width)" == lower }
        guard let chosen else {
            let have = shipped.map { "\(arch)-N\($0.entry.layers)-d\($0.entry.width)" }
            throw CodeError(
                "decoder '\(name)': no shipped \(arch.uppercased()) model for \(code.name)"
                    + (have.isEmpty ? "" : " of that size (shipped: \(have.joined(separator: ", ")))")
                    + "; train one with `eccbench train --code \(code.name)\(arch == "aecct" ? " --arch aecct" : "") "
                    + "--out FILE` and use \(arch):FILE")
        }
        let (tensors, meta) = try SafeTensors.read(path: chosen.entry.path)
        return ECCTDecoder(
            model: try ECCTModel.load(code: chosen.decodingCode, tensors: tensors, source: chosen.entry.path),
            name: lower, gatesCodewords: ECCTCheckpoint.trainedOnNonzeroSyndromesOnly(metadata: meta))
    }

    /// The code an ECCT file runs with for `code`: `code` itself when the file was trained on its H (or records nothing
    /// of it: reference exports), else the H the file was trained on when it spans the same code. Throws naming both
    /// otherwise.
    static func decodingCode(metadata meta: [String: String], of path: String, for code: LinearCode, decoder: String)
        throws -> LinearCode
    {
        guard meta["h_fingerprint"] != nil || meta["code"] != nil else { return code }
        if meta["h_fingerprint"] == code.parityCheckFingerprint { return code }
        let trainedName = meta["code"] ?? "?", form = meta["parity_check"] ?? "as given"
        guard let trained = try ECCTModel.trainedCode(metadata: meta, source: path) else {
            throw CodeError(
                "decoder '\(decoder)': \(path) was trained on \(trainedName) (H \(form)), not on this H of "
                    + "\(code.name) (\(code.parityCheckForm)), and its H cannot be rebuilt; run it with the code it "
                    + "was trained on (--code \(trainedName)\(form == "standard" ? " --standardize" : ""))")
        }
        if trained.parityCheckFingerprint == code.parityCheckFingerprint { return code }
        guard trained.n == code.n, trained.codeFingerprint == code.codeFingerprint else {
            throw CodeError(
                "decoder '\(decoder)': \(path) was trained on \(trainedName) (n = \(trained.n), k = \(trained.k), "
                    + "H \(form)), another code than \(code.name) (n = \(code.n), k = \(code.k), \(code.parityCheckForm))"
            )
        }
        return trained
    }

    /// `dc-ecct` (the shipped learned code's joint decoder) and `dc-ecct:FILE`.
    static func learnedCodeDecoder(_ name: String, code: LinearCode) throws -> any Decoder {
        let lower = name.lowercased()
        if lower.hasPrefix("dc-ecct:") {
            let path = String(name.dropFirst("dc-ecct:".count))
            guard FileManager.default.fileExists(atPath: path) else {
                throw CodeError("decoder '\(name)': weights file '\(path)' does not exist")
            }
            do { return try JointDecoder.make(code: code, weightsAt: path, name: name) } catch let e as LearnedCodeError
            {
                throw CodeError(e.message)
            }
        }
        guard let entry = ShippedLearnedCodes.models(for: code).first else {
            throw CodeError(
                "decoder '\(name)': no shipped learned-code decoder for \(code.name); the joint decoder of a "
                    + "code learned with `eccbench learn-code --out FILE` is dc-ecct:FILE")
        }
        return try JointDecoder.make(code: code, weightsAt: entry.path, name: "dc-ecct")
    }
}
