/// Adam's state in a safetensors checkpoint: the moments as `optimizer.exp_avg` / `optimizer.exp_avg_sq` [P] (the
/// `ParameterSet` order) and the step count as metadata `adam_step`. Every trainer's checkpoint (ECCT, neural quantum
/// decoder, learned code) stores and restores it here.
extension Adam {
    public static let momentNames = (first: "optimizer.exp_avg", second: "optimizer.exp_avg_sq")

    /// Adds the moments and the step when the optimizer has moments for P parameters (it has stepped).
    public func store(into tensors: inout [String: Tensor], metadata: inout [String: String], parameterCount P: Int) {
        guard m.count == P, v.count == P else { return }
        tensors[Self.momentNames.first] = Tensor(shape: [P], values: m)
        tensors[Self.momentNames.second] = Tensor(shape: [P], values: v)
        metadata["adam_step"] = String(step)
    }

    /// Restores moments and step; throws a `CheckpointError` naming the file and the tensor when they are missing, of
    /// another size, or not finite (or a negative second moment).
    public mutating func restore(
        from tensors: [String: Tensor], metadata: [String: String], parameterCount P: Int,
        path: String
    ) throws {
        guard let first = tensors[Self.momentNames.first], let second = tensors[Self.momentNames.second],
            let stepText = metadata["adam_step"]
        else {
            throw CheckpointError(
                "\(path): optimizer state (\(Self.momentNames.first), \(Self.momentNames.second), adam_step) "
                    + "is missing; cannot resume")
        }
        guard let count = Int(stepText), count >= 0 else {
            throw CheckpointError("\(path): metadata 'adam_step' is '\(stepText)', not a step count")
        }
        guard first.shape == [P], second.shape == [P] else {
            throw CheckpointError(
                "\(path): optimizer moments have shapes \(first.shape) and \(second.shape), the model has \(P) parameters"
            )
        }
        for (name, t) in [(Self.momentNames.first, first), (Self.momentNames.second, second)] {
            if let bad = t.values.firstIndex(where: { !$0.isFinite || (name == Self.momentNames.second && $0 < 0) }) {
                throw CheckpointError("\(path): tensor '\(name)' value \(bad) is \(t.values[bad])")
            }
        }
        m = first.values
        v = second.values
        step = count
    }
}
