import ArgumentParser
import ECCT
import Foundation
import Neural

/// `eccbench infer`: ECCT logits for given inputs, for cross-checks against the reference implementation.
struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract:
            "Run an ECCT or AECCT on tensors: magnitude [B, n] and syndrome [B, m] (±1, +1 = satisfied) in, logits [B, n] out."
    )

    @Option(name: .long, help: "Code name or H file.")
    var code: String
    @OptionGroup var form: ParityCheckFormOptions
    @Option(name: .long, help: "Weights (safetensors, reference parameter names).")
    var weights: String
    @Option(name: .long, help: "Input safetensors with tensors 'magnitude' [B, n] and 'syndrome' [B, m].")
    var inputs: String
    @Option(name: .long, help: "Output safetensors; receives 'logits' [B, n].")
    var out: String
    @OptionGroup var size: ModelSizeOptions
    @OptionGroup var aecct: AECCTRunOptions

    /// Most words `--activation-scale tensor` takes (they run in one pass: ~0.5 MB of activations a word at N2 d32).
    static let maxTensorScaleBatch = 4096

    func validate() throws { try checkOutputs(["--out": out]) }

    func run() throws {
        let code = try loadCode(self.code, standardize: form.standardize)
        let model = try ECCTModel.load(
            code: code, weightsAt: weights, layers: size.layers, width: size.dim,
            precision: aecct.mode, scope: aecct.activationScale)
        let (tensors, _) = try SafeTensors.read(path: inputs)
        guard let magnitude = tensors["magnitude"] else { throw CommandError("\(inputs): missing tensor 'magnitude'") }
        guard let syndrome = tensors["syndrome"] else { throw CommandError("\(inputs): missing tensor 'syndrome'") }
        guard magnitude.shape.count == 2, magnitude.shape[1] == code.n else {
            throw CommandError(
                "\(inputs): 'magnitude' has shape \(magnitude.shape), expected [B, \(code.n)] for \(code.name)")
        }
        let B = magnitude.shape[0]
        guard syndrome.shape == [B, code.m] else {
            throw CommandError("\(inputs): 'syndrome' has shape \(syndrome.shape), expected [\(B), \(code.m)]")
        }
        if let bad = magnitude.values.firstIndex(where: { !$0.isFinite }) {
            throw CommandError(
                "\(inputs): 'magnitude' value \(bad) (row \(bad / code.n), column \(bad % code.n)) is \(magnitude.values[bad])"
            )
        }
        if let bad = magnitude.values.firstIndex(where: { $0 < 0 }) {
            throw CommandError(
                "\(inputs): 'magnitude' value \(bad) (row \(bad / code.n), column \(bad % code.n)) is "
                    + "\(magnitude.values[bad]); magnitudes |y| are not negative")
        }
        try checkSigns(syndrome, name: "syndrome", file: inputs, rowLength: code.m)
        // the reference's batch-wide scales need every word in one pass: bound the batch before allocating it
        if aecct.activationScale == .tensor, case .aecct(let precision, _) = model.architecture, precision != .fp,
            B > Self.maxTensorScaleBatch
        {
            throw CommandError(
                "\(inputs): \(B) words with --activation-scale tensor would run in one pass; at most "
                    + "\(Self.maxTensorScaleBatch) (use token scales, or split the inputs)")
        }
        let logits = model.logits(magnitude: magnitude.values, syndrome: syndrome.values, batch: B)
        if let bad = logits.firstIndex(where: { !$0.isFinite }) {
            throw CommandError(
                "logit [\(bad / code.n), \(bad % code.n)] is \(logits[bad]): the model overflows on these inputs "
                    + "(largest magnitude \(magnitude.values.max() ?? 0)); nothing was written")
        }
        try SafeTensors.write(
            ["logits": Tensor(shape: [B, code.n], values: logits)],
            metadata: [
                "code": code.name, "layers": String(model.layers), "width": String(model.width),
                "architecture": model.architecture.description,
            ], to: out)
        print("\(B) words → \(out) (\(model.architecture), N = \(model.layers), d = \(model.width))")
    }
}

/// Throws unless every value of `tensor` is ±1 (+1 = satisfied), naming the file, the tensor, the row and column (rows
/// of `rowLength` values), and hinting at s ↦ 1 − 2s when the values look like 0/1 bits.
func checkSigns(_ tensor: Tensor, name: String, file: String, rowLength: Int) throws {
    guard let bad = tensor.values.firstIndex(where: { $0 != 1 && $0 != -1 }) else { return }
    let bits = tensor.values.allSatisfy { $0 == 0 || $0 == 1 }
    throw CommandError(
        "\(file): '\(name)' value \(bad) (row \(bad / rowLength), column \(bad % rowLength)) is \(tensor.values[bad]); "
            + "the decoder takes ±1 (+1 = satisfied)"
            + (bits ? ": these look like 0/1 bits, map them with s ↦ 1 − 2s" : ""))
}
