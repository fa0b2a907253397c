import Base
import Codes
import ECCT
import Foundation
import Neural

// ecct-trainer-trace: our side of the step-by-step trainer comparison with the reference PyTorch ECCT
// (scripts/ecct_trainer_parity.py lockstep). It trains for STEPS steps and writes, into OUT_DIR:
//   init.safetensors     the initial weights under the reference names
//   batches.safetensors  "y" [STEPS, B, n]: the channel outputs of every step, in order
//   trace.json           per step: loss, gradient norm, parameter norm, Adam moment norms, per-tensor gradient norms
// Usage: ecct-trainer-trace OUT_DIR [--code BCH-63-45] [--steps 20] [--batch 128] [--lr 1e-3] [--dropout 0]
//        [--seed 1] [--layers 2] [--dim 32] [--threads 2] [--init WEIGHTS.safetensors]
// --init starts from given weights (e.g. the reference's initialisation, `ecct_trainer_parity.py init`).

func option(_ name: String, _ fallback: String) -> String {
    let a = CommandLine.arguments
    return a.firstIndex(of: name).flatMap { $0 + 1 < a.count ? a[$0 + 1] : nil } ?? fallback
}
func fail(_ message: String) -> Never { FileHandle.standardError.write(Data("error: \(message)\n".utf8)); exit(2) }

guard CommandLine.arguments.count >= 2, !CommandLine.arguments[1].hasPrefix("--") else {
    fail("usage: ecct-trainer-trace OUT_DIR [--code NAME] [--steps K] [--batch B] [--lr LR] [--dropout P] [--seed S]")
}
GEMM.useSingleThreadedBLAS()
let folder = CommandLine.arguments[1]
guard let steps = Int(option("--steps", "20")), steps >= 1, let batch = Int(option("--batch", "128")), batch >= 1,
    let lr = Float(option("--lr", "1e-3")), lr > 0, let dropout = Float(option("--dropout", "0")),
    let seed = UInt64(option("--seed", "1")), let layers = Int(option("--layers", "2")),
    let dim = Int(option("--dim", "32")),
    let threads = Int(option("--threads", "2")), threads >= 1
else { fail("a numeric option is malformed") }
do {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let code = try Catalog.code(named: option("--code", "BCH-63-45"))
    var config = ECCTTrainingConfig()
    config.learningRate = lr
    config.minimumLearningRate = lr
    config.epochs = 1
    config.stepsPerEpoch = steps
    config.batchSize = batch
    config.attentionDropout = dropout
    config.validationWords = 0
    config.seed = seed
    let model = try ECCTModel(code: code, layers: layers, width: dim, attentionDropout: dropout, seed: seed)
    let initial = option("--init", "")
    if !initial.isEmpty { try model.load(weightsAt: initial) }
    let trainer = try ECCTTrainer(model: model, config: config, workers: threads)
    try ECCTCheckpoint.save(model: model, optimizer: nil, config: nil, state: nil, to: folder + "/init.safetensors")
    var ys: [Float] = []
    for s in 0..<steps { ys += trainer.batch(step: s).y }
    try SafeTensors.write(
        ["y": Tensor(shape: [steps, batch, code.n], values: ys)], to: folder + "/batches.safetensors")
    func norm<C: Collection>(_ x: C) -> Double where C.Element == Float {
        x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    }
    let p = model.network.parameters
    var trace: [[String: Any]] = []
    for s in 0..<steps {
        let loss = try trainer.step()
        var perTensor: [String: Double] = [:]
        for e in p.entries { perTensor[e.name] = norm(p.gradients[e.offset..<(e.offset + e.count)]) }
        trace.append([
            "step": s + 1, "loss": Double(loss), "grad_norm": norm(p.gradients), "param_norm": norm(p.values),
            "exp_avg_norm": norm(trainer.optimizer.m), "exp_avg_sq_norm": norm(trainer.optimizer.v),
            "grad_norms": perTensor,
        ])
    }
    try ECCTCheckpoint.save(
        model: model, optimizer: trainer.optimizer, config: nil, state: nil, to: folder + "/final.safetensors")
    let json = try JSONSerialization.data(withJSONObject: ["steps": trace], options: [.sortedKeys, .prettyPrinted])
    try json.write(to: URL(fileURLWithPath: folder + "/trace.json"), options: .atomic)
    print(
        "wrote \(folder)/init.safetensors, batches.safetensors, trace.json, final.safetensors (\(steps) steps of \(batch))"
    )
} catch {
    fail("\(error)")
}
