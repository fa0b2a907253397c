import Base
import Codes
import Foundation
import Neural

/// Knowledge distillation for the ECCT family (Hinton et al. 2015, "Distilling the knowledge in a neural network";
/// used here to narrow the AECCT's quantisation gap, as TernaryBERT does for ternary transformers): the student's
/// BCE-with-logits targets are mixed with a teacher's soft decisions on the same channel outputs.
///
/// t′ = (1 − α)·t + α·σ(f_T), t [B, n] the flip targets (1 = not flipped), f_T [B, n] the teacher's logits in
/// evaluation mode, α = `ECCTTrainingConfig.distillationWeight`. The loss and its gradient are the plain BCE's with
/// soft targets (∂ℓ/∂f = σ(f) − t′), so the logged loss includes the soft targets' own entropy.
/// Reproducible: a word's teacher logits do not depend on the chunk or the thread count, so the targets are a
/// function of the step alone and a resumed run sees the targets of an uninterrupted one.
extension ECCTRecipe {
    /// The teacher model at `path` for `code` (an ECCT or an AECCT at the precision its file holds).
    /// Throws a `SettingsError` naming the file when it does not load or does not fit the code.
    static func loadTeacher(path: String, code: LinearCode) throws -> ECCTModel {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SettingsError("training: the teacher model (--distill-from) '\(path)' does not exist")
        }
        do {
            return try ECCTModel.load(code: code, weightsAt: path, attentionDropout: 0)
        } catch {
            throw SettingsError(
                "training: the teacher model (--distill-from) '\(path)' does not load for \(code.name): \(error)")
        }
    }

    /// The targets of a batch mixed with the teacher's soft decisions on its channel outputs y [B, n].
    func distilled(_ targets: [Float], input y: [Float]) -> [Float] {
        guard let teacher else { return targets }
        let logits = teacher.logits(channelOutput: y, batch: y.count / teacher.code.n)
        let α = settings.distillationWeight
        var out = targets
        for i in out.indices { out[i] = (1 - α) * targets[i] + α * Elementwise.sigmoid(logits[i]) }
        return out
    }
}
