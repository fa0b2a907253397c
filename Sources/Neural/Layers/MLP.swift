/// A multilayer perceptron: Linear layers with an activation between them (none after the last), as the neural
/// quantum decoder's noise estimator m → 5n → 5n → n with GELU (docs/DESIGN.md §9).
///
/// x: [R, sizes.first], y: [R, sizes.last].
public struct MLP: Sendable {
    public let layers: [LinearLayer]
    public let activation: Activation
    public var inFeatures: Int { layers.first!.inFeatures }
    public var outFeatures: Int { layers.last!.outFeatures }

    /// `sizes` [in, hidden…, out]; `names` one per linear layer.
    public init<G: RandomNumberGenerator>(
        _ parameters: ParameterSet, names: [String], sizes: [Int], activation: Activation,
        using rng: inout G
    ) {
        precondition(sizes.count >= 2 && names.count == sizes.count - 1, "MLP: \(names.count) names for sizes \(sizes)")
        layers = (0..<(sizes.count - 1)).map {
            LinearLayer(parameters, name: names[$0], inFeatures: sizes[$0], outFeatures: sizes[$0 + 1], using: &rng)
        }
        self.activation = activation
    }

    /// Pre- and post-activation outputs of every hidden layer, and two gradient buffers.
    public struct Workspace: @unchecked Sendable {
        /// Keeps the memory of the buffers below alive as long as this value lives.
        let owner: Arena
        let pre, post: [UnsafeMutablePointer<Float>]
        let grad0, grad1: UnsafeMutablePointer<Float>
        public init(mlp: MLP, rows R: Int, arena: Arena) {
            owner = arena
            let hidden = mlp.layers.dropLast().map(\.outFeatures)
            pre = hidden.map { arena.take(R * $0) }
            post = hidden.map { arena.take(R * $0) }
            let widest = mlp.layers.map { max($0.inFeatures, $0.outFeatures) }.max()!
            grad0 = arena.take(R * widest); grad1 = arena.take(R * widest)
        }
    }

    public func forward(
        x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows R: Int, workspace ws: Workspace,
        parameters p: UnsafePointer<Float>
    ) {
        var current = x
        for (i, layer) in layers.enumerated() {
            if i == layers.count - 1 {
                layer.forward(x: current, y: y, rows: R, parameters: p)
            } else {
                layer.forward(x: current, y: ws.pre[i], rows: R, parameters: p)
                activation.forward(ws.pre[i], ws.post[i], count: R * layer.outFeatures)
                current = UnsafePointer(ws.post[i])
            }
        }
    }

    /// dx = ∂ℓ/∂x (written, when given) from dy; parameter gradients accumulate.
    public func backward(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?, rows R: Int,
        workspace ws: Workspace, parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>
    ) {
        // the linear backward writes grad0 while dCur (dy or grad1) is read; the activation then maps grad0 → grad1
        var dCur = dy
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[i]
            let input = i == 0 ? x : UnsafePointer(ws.post[i - 1])
            if i == 0 {
                layer.backward(dy: dCur, x: input, dx: dx, rows: R, parameters: p, gradients: g)
            } else {
                layer.backward(dy: dCur, x: input, dx: ws.grad0, rows: R, parameters: p, gradients: g)
                activation.backward(ws.pre[i - 1], ws.grad0, ws.grad1, count: R * layer.inFeatures)
                dCur = UnsafePointer(ws.grad1)
            }
        }
    }
}
