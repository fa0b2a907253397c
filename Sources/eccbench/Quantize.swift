import ArgumentParser
import ECCT
import Foundation
import Neural

/// `eccbench quantize`: the frozen ternary AECCT from a QAT checkpoint (AECCT phase 3; the reference's freeze_weights).
struct Quantize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract:
            "Freeze a QAT AECCT (train --qat-from): W_t ∈ {−1, 0, 1} and s_w per quantised matrix (or per row), for the integer kernel.",
        discussion: "Example: eccbench quantize p2.safetensors --out BCH-63-45_AECCT_N2_d32.safetensors")

    @Argument(help: "QAT checkpoint (safetensors with 'lpe' and '.delta' tensors).")
    var input: String
    @Option(name: .long, help: "Frozen model to write (atomically).")
    var out: String

    func validate() throws {
        guard FileManager.default.fileExists(atPath: input) else { throw ValidationError("'\(input)' does not exist") }
        try checkOutputs(["--out": out])
    }

    func run() throws {
        let (tensors, meta) = try SafeTensors.read(path: input)
        let frozen = try AECCTFreezer.freeze(tensors, source: input)
        var notes = meta.filter {
            [
                "code", "n", "m", "layers", "width", "heads", "parity_check", "h_fingerprint", "architecture",
                "activation_scale",
            ].contains($0.key)
        }
        notes["format"] = "eccbench-aecct-frozen-1"
        notes["precision"] = "frozen"
        notes["frozen_from"] = (input as NSString).lastPathComponent
        // the QAT run's settings and state (its learning curve), so a shipped file says how it was made
        if let state = meta["state"] { notes["qat_state"] = state }
        if let training = meta["training"] { notes["qat_training"] = training }
        try SafeTensors.write(frozen, metadata: notes, to: out)
        let matrices = frozen.keys.filter { $0.hasSuffix(".s_w") }.map { String($0.dropLast(4)) }.sorted()
        var fp32 = 0, packed = 0, zeros = 0, entries = 0
        for name in matrices {
            let w = frozen[name + ".weight"]!
            let (rows, columns) = (w.shape[0], w.shape[1])
            fp32 += 4 * rows * columns
            packed += TernaryMatrix.packedBytes(rows: rows, columns: columns) + 4 * frozen[name + ".s_w"]!.values.count
            zeros += w.values.filter { $0 == 0 }.count
            entries += w.values.count
        }
        print(
            String(
                format:
                    "%d ternary matrices (%d weights, %.1f%% zero): %d bytes fp32 → %d bytes packed (2 bits a weight + s_w): "
                    + "%.1f%% smaller", matrices.count, entries, 100 * Double(zeros) / Double(max(entries, 1)), fp32,
                packed,
                100 * (1 - Double(packed) / Double(max(fp32, 1)))))
        print("frozen model → \(out)")
    }
}
