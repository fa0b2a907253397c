import Base

/// Draws shots of a detector error model: every merged mechanism (`DetectorErrorModel.columns`) fires independently
/// with its prior, flipping its detectors and observables (Stim's DEM sampling). One uniform 64-bit draw per mechanism
/// per shot, in column order, so a block's shots depend only on its stream, whatever the thread count.
public struct DetectorErrorModelSampler: Sendable {
    public let detectorCount: Int
    public let observableCount: Int
    /// Per column: the draw below which it fires, and its detectors and observables (CSR).
    let thresholds: [UInt64]
    let detectorStart: [Int], detectors: [Int32]
    let observableStart: [Int], observables: [Int32]

    public init(model: DetectorErrorModel) {
        let columns = model.columns
        detectorCount = model.detectorCount
        observableCount = model.observableCount
        thresholds = columns.map { NoiseSampler.threshold($0.probability) }
        detectorStart = columns.reduce(into: [0]) { $0.append($0.last! + $1.symptom.detectors.count) }
        detectors = columns.flatMap { $0.symptom.detectors.map(Int32.init) }
        observableStart = columns.reduce(into: [0]) { $0.append($0.last! + $1.symptom.observables.count) }
        observables = columns.flatMap { $0.symptom.observables.map(Int32.init) }
    }

    /// Fill `events` [count, detectors] and `flips` [count, observables] with 0/1 bytes, and `fired` [count, columns]
    /// (when given) with the mechanisms that fired (the neural decoder's targets). The draws are the same either way.
    public func sample(
        count: Int, rng: inout SeededRNG, events: UnsafeMutableBufferPointer<UInt8>,
        flips: UnsafeMutableBufferPointer<UInt8>, fired: UnsafeMutableBufferPointer<UInt8>? = nil
    ) {
        let D = detectorCount, O = observableCount, C = thresholds.count
        precondition(events.count >= count * D && flips.count >= count * O, "DEM sampler: buffers too small")
        precondition((fired?.count ?? .max) >= count * C, "DEM sampler: fired buffer too small")
        for s in 0..<count {
            let e = events.baseAddress! + s * D, o = flips.baseAddress! + s * O
            let f = fired.map { $0.baseAddress! + s * C }
            e.initialize(repeating: 0, count: D)
            o.initialize(repeating: 0, count: O)
            f?.initialize(repeating: 0, count: C)
            for (j, t) in thresholds.enumerated() where rng.next() < t {
                f?[j] = 1
                for i in detectorStart[j]..<detectorStart[j + 1] { e[Int(detectors[i])] ^= 1 }
                for i in observableStart[j]..<observableStart[j + 1] { o[Int(observables[i])] ^= 1 }
            }
        }
    }

    /// `count` shots as arrays: detection events [count, detectors] and observable flips [count, observables].
    public func sample(count: Int, rng: inout SeededRNG) -> (events: [UInt8], flips: [UInt8]) {
        var e = [UInt8](repeating: 0, count: count * detectorCount)
        var o = [UInt8](repeating: 0, count: count * observableCount)
        e.withUnsafeMutableBufferPointer { eb in
            o.withUnsafeMutableBufferPointer { sample(count: count, rng: &rng, events: eb, flips: $0) }
        }
        return (e, o)
    }

    /// The exact chance that each detector fires in a shot: (1 − Π (1 − 2p_j)) / 2 over the mechanisms that flip it.
    public static func detectorRates(_ model: DetectorErrorModel) -> [Double] {
        var product = [Double](repeating: 1, count: model.detectorCount)
        for c in model.columns { for d in c.symptom.detectors { product[d] *= 1 - 2 * c.probability } }
        return product.map { (1 - $0) / 2 }
    }
}
