import Base
import Codes

/// A decoder of a detector error model: detection events [count, detectors] in, predicted observable flips
/// [count, observables] out (what `sinter` and `qec decode` exchange).
///
/// `mwpm` and `uf` decode the matching graph of a graphlike model (`DecodingGraph(detectors:edges:)`, parallel edges
/// merged as PyMatching does): the correction marks the matched edges, and the prediction is the parity of their
/// observables. Matching is exact minimum weight on the integer weights (log-odds in 1/65,536 of the largest); `uf`
/// grows clusters uniformly, ignoring the weights (Delfosse & Nickerson), so it is the fast, weaker one on circuit noise.
/// `bposd` decodes the full hypergraph H (`DetectorErrorModelBPOSD`), graphlike or not. `neural` (the shipped model
/// trained on this DEM: same H, observables and priors) and `neural:FILE[@H]` run the neural quantum decoder over the
/// merged mechanisms (`DQECTarget.detectorErrorModel`) and predict each observable's flip directly
/// (`NeuralQuantumDecoder` predicting `.observables`: its odd-parity probability above ½). `LABEL=D` is D reported as LABEL.
public struct DetectorErrorModelDecoder: Sendable {
    public private(set) var name: String
    public let model: DetectorErrorModel
    let base: any QuantumDecoder
    /// The observables each correction bit (a graph edge, or a mechanism for bposd) flips.
    let edgeObservables: [[Int]]
    /// The same as bit masks, for the graph decoders of a model with ≤ 64 observables.
    let edgeMasks: [UInt64]?
    /// Correction bits a shot.
    let correctionLength: Int
    /// The matching graph's edges (mwpm, uf; empty for bposd), for weights in tests and reports.
    public let edges: [DetectorErrorModel.MatchingEdge]

    public static let names = ["mwpm", "uf", "bposd", "bpm", "neural"]
    /// What `qec --dem` runs when no decoder is named: mwpm, uf, and the shipped neural decoder when one was trained on
    /// this model (bposd is opt-in: milliseconds a shot on d ≥ 5 circuits).
    public static func defaults(for model: DetectorErrorModel) -> [String] {
        ["mwpm", "uf"] + (ShippedQuantumModels.file(for: model) == nil ? [] : ["neural"])
    }

    /// Throws for an unknown name and, for the graph decoders, a model that is not graphlike (naming the line); for
    /// `neural`, when no shipped model was trained on this DEM; for `neural:FILE`, a file trained on another DEM.
    public init(_ name: String, model: DetectorErrorModel) throws {
        if let (label, spec) = LabelledDecoder.split(name) {  // LABEL=D: D reported as LABEL
            self = try DetectorErrorModelDecoder(spec, model: model)
            self.name = label
            return
        }
        let lower = name.lowercased()
        if let spec = QuantumDecoders.neuralFile(name) {
            let network = try DQECModel.load(
                target: .detectorErrorModel(model), weightsAt: spec.path, heads: spec.heads)
            self.init(name: name, model: model, neural: network)
            return
        }
        if lower == "neural" {
            guard let path = ShippedQuantumModels.file(for: model) else {
                throw QECCError(
                    "no neural decoder ships for \(model.source) (fingerprint \(model.structureFingerprint) with these "
                        + "priors); train one (eccbench qec train --dem \(model.source)) and use neural:FILE")
            }
            let network = try DQECModel.load(target: .detectorErrorModel(model), weightsAt: path)
            self.init(name: name, model: model, neural: network)
            return
        }
        guard Self.names.contains(lower) else {
            throw QECCError(
                "unknown decoder '\(name)' for a detector error model; use \(Self.names.joined(separator: ", "))")
        }
        if lower == "bpm" {
            self.init(
                name: name, model: model, predicting: try DetectorErrorModelBeliefMatching(name: name, model: model))
            return
        }
        if lower == "bposd" {
            let (check, _, priors) = model.matrices
            self.init(
                name: name, model: model, base: try DetectorErrorModelBPOSD(name: name, check: check, priors: priors),
                edges: nil)
            return
        }
        self = lower == "mwpm" ? try .matching(model: model, name: name) : try .unionFind(model: model, name: name)
    }

    /// The graph of a graphlike model and its one-half layout (edge i is correction bit i).
    static func matchingGraph(_ model: DetectorErrorModel) throws -> (
        [DetectorErrorModel.MatchingEdge], DecodingGraph, HalfLayout
    ) {
        let edges = try model.matchingEdges()
        let graph = DecodingGraph(detectors: model.detectorCount, edges: edges)
        let layout = HalfLayout(
            halves: [.init(rows: model.detectorCount, syndromeOffset: 0, errorOffset: 0)], errorLength: edges.count,
            syndromeLength: model.detectorCount, rounds: 1)
        return (edges, graph, layout)
    }

    /// `mwpm` on a graphlike model with either exact algorithm (`.completeGraph`: the reference twin, for tests).
    public static func matching(
        model: DetectorErrorModel, name: String = "mwpm", algorithm: MatchingAlgorithm = .sparseBlossom
    ) throws -> DetectorErrorModelDecoder {
        let (edges, graph, layout) = try matchingGraph(model)
        let masks = model.observableCount <= 64 ? [edges.map { DetectorErrorModelDecoder.mask($0.observables) }] : nil
        let base = MatchingDecoder(
            name: name, problem: nil, graphs: [graph], metrics: [nil], layout: layout, algorithm: algorithm,
            edgeMasks: masks)
        return DetectorErrorModelDecoder(name: name, model: model, base: base, edges: edges)
    }

    static func unionFind(model: DetectorErrorModel, name: String) throws -> DetectorErrorModelDecoder {
        let (edges, graph, layout) = try matchingGraph(model)
        let base = UnionFindDecoder(name: name, problem: nil, graphs: [graph], layout: layout)
        return DetectorErrorModelDecoder(name: name, model: model, base: base, edges: edges)
    }

    /// Observables as a bit mask (bit o: observable o < 64).
    static func mask(_ observables: [Int]) -> UInt64 { observables.reduce(0) { $0 ^ (1 << UInt64($1)) } }

    /// The integer matching weight of graph edge e (mwpm, uf; 0 for other decoders).
    public func edgeWeight(_ e: Int) -> Int {
        (base as? MatchingDecoder)?.graphs[0].edgeWeight[e] ?? (base as? UnionFindDecoder)?.graphs[0].edgeWeight[e] ?? 0
    }

    /// The neural quantum decoder `network` (trained on this model's H and observables) as a DEM decoder.
    public init(name: String = "neural", model: DetectorErrorModel, neural network: DQECModel) {
        self.init(
            name: name, model: model,
            predicting: NeuralQuantumDecoder(model: network, name: name, prediction: .observables))
    }

    /// A decoder whose correction is the observable flips themselves (neural, bpm): bit o is observable o.
    init(name: String, model: DetectorErrorModel, predicting base: any QuantumDecoder) {
        self.name = name
        self.model = model
        self.base = base
        edges = []
        edgeObservables = (0..<model.observableCount).map { [$0] }
        edgeMasks = nil
        correctionLength = model.observableCount
    }

    /// A decoder whose correction bits are the matching graph's `edges`, or (nil) the model's merged mechanisms.
    init(name: String, model: DetectorErrorModel, base: any QuantumDecoder, edges: [DetectorErrorModel.MatchingEdge]?) {
        self.name = name
        self.model = model
        self.base = base
        self.edges = edges ?? []
        edgeObservables = edges.map { $0.map(\.observables) } ?? model.columns.map(\.symptom.observables)
        edgeMasks =
            edges != nil && model.observableCount <= 64
            ? edgeObservables.map(DetectorErrorModelDecoder.mask) : nil
        correctionLength = edges?.count ?? model.columns.count
    }

    /// events: [count, detectors] 0/1; predictions: [count, observables], written.
    public func decode(
        events: UnsafeBufferPointer<UInt8>, count: Int, into predictions: UnsafeMutableBufferPointer<UInt8>
    ) {
        let D = model.detectorCount, O = model.observableCount
        precondition(events.count >= count * D && predictions.count >= count * O, "\(name): buffers too small")
        guard count > 0 else { return }
        if decodeGraph(.bytes(events.baseAddress!, detectors: D), count: count, into: predictions) { return }
        var start = 0
        while start < count {
            let shots = min(Self.block, count - start)
            decodeCorrections(
                events: UnsafeBufferPointer(rebasing: events[(start * D)..<((start + shots) * D)]), count: shots,
                into: UnsafeMutableBufferPointer(rebasing: predictions[(start * O)..<((start + shots) * O)]))
            start += shots
        }
    }

    /// Shots `range` of bit-packed `events` (the model's detectors a shot); predictions: [range.count, observables],
    /// written. mwpm and uf gather the fired detectors from the words; the other decoders decode the shots unpacked,
    /// 256 at a time. The same predictions as `decode(events:count:into:)` on the unpacked shots.
    public func decode(
        packed events: PackedShots, shots range: Range<Int>, into predictions: UnsafeMutableBufferPointer<UInt8>
    ) {
        let O = model.observableCount, W = events.wordsPerShot
        precondition(events.bitsPerShot == model.detectorCount, "\(name): shots of \(events.bitsPerShot) bits")
        precondition(range.lowerBound >= 0 && range.upperBound <= events.shots, "\(name): shots \(range)")
        precondition(predictions.count >= range.count * O, "\(name): buffers too small")
        guard !range.isEmpty else { return }
        guard W > 0 else {  // a model with no detectors: no detection event, no flip predicted
            UnsafeMutableBufferPointer(rebasing: predictions[0..<(range.count * O)]).update(repeating: 0)
            return
        }
        let graph = events.words.withUnsafeBufferPointer {
            decodeGraph(
                .packed($0.baseAddress! + range.lowerBound * W, wordsPerShot: W), count: range.count, into: predictions)
        }
        if graph { return }
        var start = 0
        while start < range.count {  // unpacked a block at a time, each through the bytes' decode
            let shots = min(Self.block, range.count - start)
            let bits = events.bits(shots: (range.lowerBound + start)..<(range.lowerBound + start + shots))
            bits.withUnsafeBufferPointer {
                decode(
                    events: $0, count: shots,
                    into: UnsafeMutableBufferPointer(rebasing: predictions[(start * O)..<((start + shots) * O)]))
            }
            start += shots
        }
    }

    /// Shots a call of the base decoder (and a block of unpacked shots) holds.
    static let block = 256

    /// mwpm and uf with observables tracked per edge: predictions straight from the rows; false for other decoders.
    private func decodeGraph(
        _ rows: DetectionRows, count: Int, into predictions: UnsafeMutableBufferPointer<UInt8>
    ) -> Bool {
        let O = model.observableCount
        if let matching = base as? MatchingDecoder, matching.tracksObservables {
            matching.predictObservables(rows, count: count, observables: O, into: predictions)
            return true
        }
        if let uf = base as? UnionFindDecoder, let masks = edgeMasks {
            uf.predictObservables(rows, count: count, observables: O, edgeMasks: masks, into: predictions)
            return true
        }
        return false
    }

    /// The base decoder's corrections for `count` shots [count, detectors] mapped to observables [count, observables].
    private func decodeCorrections(
        events: UnsafeBufferPointer<UInt8>, count: Int, into predictions: UnsafeMutableBufferPointer<UInt8>
    ) {
        let O = model.observableCount, E = correctionLength
        var corrections = [UInt8](repeating: 0, count: count * E)
        corrections.withUnsafeMutableBufferPointer { base.decode(detections: events, count: count, into: $0) }
        for s in 0..<count {
            let out = predictions.baseAddress! + s * O
            out.initialize(repeating: 0, count: O)
            for e in 0..<E where corrections[s * E + e] != 0 { for o in edgeObservables[e] { out[o] ^= 1 } }
        }
    }

    /// Array form: predictions [count, observables].
    public func decode(events: [UInt8], count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count * model.observableCount)
        events.withUnsafeBufferPointer { e in
            out.withUnsafeMutableBufferPointer { decode(events: e, count: count, into: $0) }
        }
        return out
    }

    /// Array form of the packed decode: predictions [shots, observables].
    public func decode(packed events: PackedShots) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: events.shots * model.observableCount)
        out.withUnsafeMutableBufferPointer { decode(packed: events, shots: 0..<events.shots, into: $0) }
        return out
    }

    /// The edges one shot's correction marks (mwpm: a minimum-weight set with the shot's detection events as its
    /// boundary), for weight comparisons.
    public func correction(events: [UInt8]) -> [Int] {
        precondition(events.count == model.detectorCount)
        var c = [UInt8](repeating: 0, count: correctionLength)
        events.withUnsafeBufferPointer { e in
            c.withUnsafeMutableBufferPointer { base.decode(detections: e, count: 1, into: $0) }
        }
        return c.indices.filter { c[$0] != 0 }
    }
}
