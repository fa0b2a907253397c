import ArgumentParser
import Foundation
import GF2
import Neural
import QECC

/// `eccbench qec infer`: the neural quantum decoder on given syndromes, for cross-checks against the reference code.
struct QECInfer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract:
            "Run the neural quantum decoder on tensors: syndrome [B, m] or [B, T, m] (±1) in, noise_estimate and logits [B, n] out."
    )

    @Option(name: .long, help: "Code: toric-L, surface-d or planar-d.")
    var code: String = "toric-4"
    @Option(name: .long, help: "Noise: independent or depolarizing (it sets H: H_X, or blockdiag(H_Z, H_X)).")
    var noise: String = "depolarizing"
    @Option(name: .long, help: "Weights (safetensors, the reference's parameter names).")
    var weights: String
    @Option(
        name: .long,
        help: "Measurement rounds T: 'syndrome' is then [B, T, m], the difference syndromes of the rounds in order.")
    var rounds: Int = 1
    @Option(
        name: .long,
        help:
            "Input safetensors with 'syndrome' [B, m] (±1, +1 = satisfied; [B, T, m] with --rounds T); an 'H' in it must equal the code's."
    )
    var inputs: String
    @Option(
        name: .long,
        help:
            "Output safetensors: 'noise_estimate' g and 'logits' z [B, n], the reference model's output (z > 0: error; g > 0: no error)."
    )
    var out: String
    @Option(
        name: .long,
        help:
            "Attention heads, for a file that does not record them (a reference export; the reference trains with 16).")
    var heads: Int?

    func validate() throws {
        _ = try PauliNoise.named(noise)
        if let heads, !(1...4096).contains(heads) { throw ValidationError("--heads must be in 1...4096, got \(heads)") }
        guard (1...1000).contains(rounds) else { throw ValidationError("--rounds must be in 1...1000, got \(rounds)") }
        try checkOutputs(["--out": out])
    }

    func run() throws {
        let problem = try DecodingProblem(
            code: try QuantumCatalog.code(named: code), noise: try PauliNoise.named(noise), rounds: rounds)
        let n = problem.errorLength, m = problem.syndromeLength
        let (tensors, _) = try SafeTensors.read(path: inputs)
        if let h = tensors["H"] {
            let H = problem.checkMatrix
            guard h.shape == [m, n] else {
                throw CommandError(
                    "\(inputs): 'H' has shape \(h.shape); \(code) with \(noise) noise has H [\(m), \(n)]")
            }
            if let bad = h.values.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw CommandError("\(inputs): 'H'[\(bad / n), \(bad % n)] is \(h.values[bad]), not 0 or 1")
            }
            for r in 0..<m {
                for c in 0..<n where (h.values[r * n + c] != 0) != H[r, c] {
                    throw CommandError(
                        "\(inputs): 'H'[\(r), \(c)] = \(h.values[r * n + c]) differs from \(code)'s H "
                            + "(the qubit order or noise model is not the one these inputs were made for)")
                }
            }
        }
        guard let s = tensors["syndrome"] else { throw CommandError("\(inputs): missing tensor 'syndrome'") }
        let expected = rounds == 1 ? [m] : [rounds, m]
        guard s.shape.count == expected.count + 1, Array(s.shape.dropFirst()) == expected else {
            throw CommandError(
                "\(inputs): 'syndrome' has shape \(s.shape), expected [B, \(expected.map(String.init).joined(separator: ", "))] "
                    + "for \(code) with \(noise) noise and \(rounds) round\(rounds == 1 ? "" : "s")")
        }
        try checkSigns(s, name: "syndrome", file: inputs, rowLength: rounds * m)
        let model = try DQECModel.load(problem: problem, weightsAt: weights, heads: heads)
        let heads = model.heads
        let B = s.shape[0]
        let (g, f) = model.run(syndromes: s.values, batch: B)
        if let bad = f.firstIndex(where: { !$0.isFinite }) ?? g.firstIndex(where: { !$0.isFinite }) {
            throw CommandError(
                "output [\(bad / n), \(bad % n)] is not finite: the weights in \(weights) overflow on these inputs; "
                    + "nothing was written")
        }
        // The reference's output z = −f (z > 0: error), as its checkpoints and the fixtures hold it.
        try SafeTensors.write(
            [
                "noise_estimate": Tensor(shape: [B, n], values: g),
                "logits": Tensor(shape: [B, n], values: f.map { -$0 }),
            ],
            metadata: [
                "code": code, "noise": problem.noise.rawValue, "rounds": String(rounds), "layers": String(model.layers),
                "width": String(model.width), "heads": String(heads),
            ], to: out)
        print(
            "\(B) syndromes → \(out) (neural quantum decoder, N = \(model.layers), d = \(model.width), \(heads) heads)")
    }
}
