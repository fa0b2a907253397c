import ArgumentParser
import ECCT
import Foundation
import Neural

/// `eccbench info`: what a model file holds and costs: architecture, sizes, parameters, the bytes of its quantised
/// layers (fp32 against packed ternary) and per-word operation counts from its shapes.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract:
            "Describe an ECCT or AECCT model: parameters, weight memory (fp32 vs packed ternary), operations per word.",
        discussion: "Measured instruction counts: Bench/InstructionCount/run.sh (callgrind).")

    @Argument(help: "Model file (safetensors).")
    var model: String
    @Option(name: .long, help: "Code name or H file the model decodes.")
    var code: String = "BCH-63-45"
    @OptionGroup var form: ParityCheckFormOptions

    func run() throws {
        let code = try loadCode(self.code, standardize: form.standardize)
        let m = try ECCTModel.load(code: code, weightsAt: model)
        let c = m.network.encoder.config, L = m.length, d = m.width, N = m.layers
        print(
            "\(model): \(m.architecture) for \(code.name) (n = \(code.n), m = \(code.m), \(code.parityCheckForm)); "
                + "N = \(N), d = \(d), \(m.heads) heads, \(m.network.parameters.count) parameters")
        let pairs = c.pattern.pairCount
        var perPairHeads = Double(m.heads)
        if let mask = c.headMask {
            let firstRing = (0..<pairs).filter { mask[$0 * m.heads] == 1 }.count
            print(
                "HPSA: \(firstRing) first-ring pairs (bit ↔ check) and \(pairs - firstRing) second-ring pairs "
                    + "(bit ↔ bit, check ↔ itself) of the mask's \(pairs); each pair runs in half of the heads")
            perPairHeads /= 2
        } else {
            print("attention: \(pairs) allowed pairs of \(L * L)")
        }
        // operations per word from the shapes: linears 12d² per token and layer, attention 2·d per pair (scores and
        // values) over the heads that use it, embedding and head
        let linear = Double(N * L * 12 * d * d)
        let attention = Double(N) * 2 * Double(pairs) * Double(d) * perPairHeads / Double(m.heads)
        let other = Double(2 * L * d + L * code.n)
        if let store = c.quantization?.weights, store.mode == .frozen {
            let zeros = store.slots.reduce(0) { sum, s in
                sum + (0..<s.count).filter { m.network.parameters.values[s.weight + $0] == 0 }.count
            }
            let weights = store.slots.reduce(0) { $0 + $1.count }
            let (fp32, packed) = store.bytes
            print(
                String(
                    format:
                        "ternary layers: %d matrices, %d weights (%.1f%% zero): %d bytes as fp32, %d packed (%.1f%% smaller)",
                    store.slots.count, weights, 100 * Double(zeros) / Double(weights), fp32, packed,
                    100 * (1 - Double(packed) / Double(fp32))))
            let adds = linear * (1 - Double(zeros) / Double(weights)), rescale = Double(N * L * 9 * d)
            print(
                String(
                    format: "per word: %.0f integer additions/subtractions (ternary linears), %.0f fp32 multiplies "
                        + "(attention, embedding, head, one rescale per linear output), %.0f fp32 additions",
                    adds, attention + other + rescale, attention + other))
        } else {
            print(
                String(
                    format: "per word: %.0f fp32 multiply-adds (linears %.0f, attention %.0f, embedding and head %.0f)",
                    linear + attention + other, linear, attention, other))
        }
    }
}
