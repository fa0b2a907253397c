/// One slice of a training batch as a worker sees it: raw inputs, targets and the logits to fill, for `count`
/// samples starting at sample `batchOffset` of a batch of `batchSize`, at global step `step` of a run seeded
/// with `seed` (dropout and any other randomness are counter-based on these, never on the thread).
public struct TrainingSlice {
    public let input: UnsafePointer<Float>
    public let targets: UnsafePointer<Float>
    public let logits: UnsafeMutablePointer<Float>
    public let count: Int
    public let batchOffset: Int
    public let batchSize: Int
    public let seed: UInt64
    public let step: UInt64

    public init(
        input: UnsafePointer<Float>, targets: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>, count: Int,
        batchOffset: Int, batchSize: Int, seed: UInt64, step: UInt64
    ) {
        self.input = input; self.targets = targets; self.logits = logits; self.count = count
        self.batchOffset = batchOffset; self.batchSize = batchSize; self.seed = seed; self.step = step
    }
}

/// A network the data-parallel trainer can train: it turns its own raw batch into tokens, computes its own loss
/// and backward on a slice, and decodes in evaluation mode. ECCT, AECCT, the learned-code decoder and the neural
/// quantum decoder are networks of this kind, built from the engine's blocks.
public protocol TrainableNetwork: AnyObject, Sendable {
    associatedtype Workspace: AnyObject
    var parameters: ParameterSet { get }
    /// Floats per sample: raw input, targets, outputs (logits).
    var inputWidth: Int { get }
    var targetWidth: Int { get }
    var outputWidth: Int { get }
    /// Activations for a slice of `batch` samples.
    func makeWorkspace(batch: Int) -> Workspace
    /// Floats of gradient scratch after the parameters' gradients: slices accumulate there what is cheaper to fold into
    /// the parameters once per step (the AECCT's ∂ℓ/∂SPE, which `finishGradients` turns into `lpe_proj`'s gradient).
    var auxiliaryGradientCount: Int { get }
    /// Forward (training mode), loss and backward on the slice: writes its logits, accumulates parameter gradients
    /// into `gradients` (ParameterSet layout, then `auxiliaryGradientCount` floats), and returns its share of the batch loss (the loss is a mean over the
    /// whole batch, so the shares of all slices add up to it).
    func trainSlice(
        _ slice: TrainingSlice, workspace: Workspace, parameters: UnsafePointer<Float>,
        gradients: UnsafeMutablePointer<Float>
    ) -> Double
    /// Evaluation-mode logits [count, outputWidth] from raw inputs [count, inputWidth] (count ≤ the workspace's batch).
    func infer(
        input: UnsafePointer<Float>, logits: UnsafeMutablePointer<Float>, count: Int, workspace: Workspace,
        parameters: UnsafePointer<Float>)
    /// What depends on the parameters only, computed once before a step's (or a decoding's) forward passes: the
    /// AECCT's quantised weights and spectral encoding. Call it whenever the parameters change.
    func prepare(parameters: UnsafePointer<Float>)
    /// After the slices' gradients are summed (`gradients`: the parameters' and the auxiliary floats): maps that are
    /// linear in the summed gradient (the AAP straight-through rules from ∂ℓ/∂W_eff to ∂ℓ/∂W and ∂ℓ/∂δ; the SPE's
    /// backward from the auxiliary ∂ℓ/∂SPE).
    func finishGradients(parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>)
}

extension TrainableNetwork {
    public var auxiliaryGradientCount: Int { 0 }
    public func prepare(parameters: UnsafePointer<Float>) {}
    public func finishGradients(parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>) {}
}

/// A named part of the parameters with its own training rules: frozen (no update, its gradients ignored) or
/// trainable, optionally with its own gradient-norm clipping (the learned code's Ω, AECCT's δ, two-phase runs).
public struct ParameterGroup: Sendable, Equatable {
    public var name: String
    /// Offsets in the parameter buffer.
    public var ranges: [Range<Int>]
    public var trainable: Bool
    /// Clip this group's gradient norm to this value (after freezing, before the global clip).
    public var clipNorm: Float?

    public init(name: String, ranges: [Range<Int>], trainable: Bool = true, clipNorm: Float? = nil) {
        self.name = name
        self.ranges = ranges
        self.trainable = trainable
        self.clipNorm = clipNorm
    }

    /// The group of the parameters whose names satisfy `member`, as contiguous ranges in registration order.
    public static func named(
        _ name: String, in parameters: ParameterSet, trainable: Bool = true, clipNorm: Float? = nil,
        where member: (String) -> Bool
    ) -> ParameterGroup {
        var ranges: [Range<Int>] = []
        for e in parameters.entries where member(e.name) {
            let r = e.offset..<(e.offset + e.count)
            if let last = ranges.last, last.upperBound == r.lowerBound {
                ranges[ranges.count - 1] = last.lowerBound..<r.upperBound
            } else {
                ranges.append(r)
            }
        }
        return ParameterGroup(name: name, ranges: ranges, trainable: trainable, clipNorm: clipNorm)
    }
}

extension TrainableNetwork {
    /// One whole batch as a single slice at the current parameters (seed 0, step 0), for parity and gradient checks:
    /// the batch's mean loss, its logits [B, outputWidth] and the finished gradients (`finishGradients` applied; the
    /// parameters' layout, then `auxiliaryGradientCount` floats). `prepare` replaces `prepare(parameters:)` when the
    /// network needs more than the parameters (the learned code's real-valued H). The arrays must hold B samples.
    public func lossAndGradients(
        input: [Float], targets: [Float], batch B: Int, workspace ws: Workspace,
        prepare prepareParameters: ((UnsafePointer<Float>) -> Void)? = nil
    ) -> (loss: Double, logits: [Float], gradients: [Float]) {
        precondition(
            B >= 1 && input.count == B * inputWidth && targets.count == B * targetWidth,
            "lossAndGradients: \(input.count) input and \(targets.count) target floats for \(B) samples")
        var gradients = [Float](repeating: 0, count: parameters.count + auxiliaryGradientCount)
        var logits = [Float](repeating: 0, count: B * outputWidth)
        var loss = 0.0
        parameters.values.withUnsafeBufferPointer { pb in
            let p = pb.baseAddress!
            if let prepareParameters { prepareParameters(p) } else { prepare(parameters: p) }
            input.withUnsafeBufferPointer { x in
                targets.withUnsafeBufferPointer { t in
                    logits.withUnsafeMutableBufferPointer { z in
                        gradients.withUnsafeMutableBufferPointer { g in
                            let slice = TrainingSlice(
                                input: x.baseAddress!, targets: t.baseAddress!, logits: z.baseAddress!, count: B,
                                batchOffset: 0, batchSize: B, seed: 0, step: 0)
                            loss = trainSlice(slice, workspace: ws, parameters: p, gradients: g.baseAddress!)
                            finishGradients(parameters: p, gradients: g.baseAddress!)
                        }
                    }
                }
            }
        }
        return (loss, logits, gradients)
    }
}
