import Base
import GF2

/// `bpm` on a detector error model: belief-matching (Higgott, Bohdanowicz, Kubica, Flammia & Campbell, PRX 2023).
/// Sum-product BP on the full hypergraph H [detectors, merged mechanisms] with each mechanism's prior (on the coset of
/// the observed events, as `DetectorErrorModelBPOSD`), each mechanism's posterior P(fired), each matching-graph edge's
/// probability q = P(an odd number of the mechanisms whose decomposition uses it fired), weights log((1 − q)/q), and
/// sparse blossom on the reweighted graph. Its "correction" is the predicted observable flips themselves
/// (the matched paths' observables, tracked while flooding), so `DetectorErrorModelDecoder` maps bit o to observable o.
///
/// Throws for a model that is not graphlike (naming the line) or has more than 64 observables.
struct DetectorErrorModelBeliefMatching: QuantumDecoder {
    let name: String
    let detectors: Int, observables: Int
    let posteriors: CosetPosteriors
    /// The matching edges behind each merged mechanism (its first decomposition), and each edge's mechanisms.
    let edgeColumns: [[Int]]
    let graph: SparseMatchingGraph

    init(name: String, model: DetectorErrorModel, iterations: Int = 30) throws {
        guard model.observableCount <= 64 else {
            throw QECCError("\(name): \(model.observableCount) observables; belief-matching tracks at most 64")
        }
        let edges = try model.matchingEdges()
        var edgeIndex: [[Int]: Int] = [:]
        for (i, e) in edges.enumerated() { edgeIndex[[e.u, e.v ?? -1]] = i }
        var columnIndex: [DetectorErrorModel.Symptom: Int] = [:]
        for (i, c) in model.columns.enumerated() { columnIndex[c.symptom] = i }
        var columnEdges = [[Int]?](repeating: nil, count: model.columns.count)
        for m in model.mechanisms {
            guard let c = columnIndex[m.symptom], columnEdges[c] == nil else { continue }
            columnEdges[c] = m.parts.compactMap { part in
                part.detectors.isEmpty
                    ? nil : edgeIndex[[part.detectors[0], part.detectors.count == 2 ? part.detectors[1] : -1]]
            }
        }
        var inverse = [[Int]](repeating: [], count: edges.count)
        for (c, list) in columnEdges.enumerated() { for e in list ?? [] { inverse[e].append(c) } }
        edgeColumns = inverse
        let (check, _, priors) = model.matrices
        self.name = name
        detectors = model.detectorCount
        observables = model.observableCount
        posteriors = CosetPosteriors(
            check: check, priorLLR: priors.map { Float(logOdds(min(max($0, 1e-12), 0.5 - 1e-9))) },
            iterations: iterations)
        graph = SparseMatchingGraph(
            graph: DecodingGraph(detectors: model.detectorCount, edges: edges),
            edgeMasks: edges.map { DetectorErrorModelDecoder.mask($0.observables) })
    }

    /// detections [count, detectors] → corrections [count, observables] (the predicted flips).
    func decode(detections: UnsafeBufferPointer<UInt8>, count: Int, into corrections: UnsafeMutableBufferPointer<UInt8>)
    {
        var scratch = posteriors.makeScratch()
        var fired = [Double](repeating: 0, count: posteriors.priorLLR.count)
        var weights = [Int](repeating: 0, count: edgeColumns.count)
        var blossom = SparseBlossom(graph: graph)
        guard count > 0, let rows = detections.baseAddress else { return }
        ObservablePredictions.run(
            .bytes(rows, detectors: detectors), count: count, observables: observables, into: corrections
        ) { defects, s in
            posteriors.fired(syndrome: rows + s * detectors, m: detectors, into: &fired, scratch: &scratch)
            for e in weights.indices {
                weights[e] = BeliefMatchingDecoder.weight(
                    probability: CosetPosteriors.oddProbability(edgeColumns[e], fired: fired))
            }
            weights.withUnsafeBufferPointer { blossom.setWeights($0.baseAddress!) }
            guard blossom.solve(events: defects) else { return 0 }  // no perfect matching: predict no flip
            var mask: UInt64 = 0
            for m in blossom.matches { mask ^= m.mask }
            return mask
        }
    }
}
