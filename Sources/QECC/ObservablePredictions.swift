/// The per-shot loop of the detector-error-model decoders that predict observables from a bit mask (mwpm and uf
/// tracking each edge's observables, bpm): detections [count, detectors] in; for each shot the detectors that fired
/// (and the shot's detection row) go to `decode`, whose mask (bit o: observable o < 64) is written as predictions [count, observables]. A shot with
/// no detection event predicts no flip without calling `decode`.
enum ObservablePredictions {
    static func run(
        detections: UnsafeBufferPointer<UInt8>, count: Int, detectors D: Int, observables O: Int,
        into predictions: UnsafeMutableBufferPointer<UInt8>,
        decode: (_ defects: [Int], _ row: UnsafePointer<UInt8>) -> UInt64
    ) {
        var defects: [Int] = []
        for s in 0..<count {
            defects.removeAll(keepingCapacity: true)
            let row = detections.baseAddress! + s * D
            for d in 0..<D where row[d] != 0 { defects.append(d) }
            let mask = defects.isEmpty ? 0 : decode(defects, row)
            let out = predictions.baseAddress! + s * O
            for o in 0..<O { out[o] = UInt8(truncatingIfNeeded: mask >> UInt64(o) & 1) }
        }
    }
}
