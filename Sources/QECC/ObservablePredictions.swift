/// Detection events of a block of shots as the graph decoders read them: bytes 0/1 [shots, detectors], or bit-packed
/// words [shots, wordsPerShot] (`PackedShots`' layout).
enum DetectionRows {
    case bytes(UnsafePointer<UInt8>, detectors: Int)
    case packed(UnsafePointer<UInt64>, wordsPerShot: Int)

    /// The detectors that fired in shot s, in increasing order, appended to `defects`.
    @inline(__always)
    func appendFired(shot s: Int, to defects: inout [Int]) {
        switch self {
        case .bytes(let rows, let D):
            QECC.appendFired(rows + s * D, count: D, offset: 0, to: &defects)
        case .packed(let rows, let W):
            let row = rows + s * W
            for w in 0..<W {
                var word = row[w]
                while word != 0 {
                    defects.append(w << 6 + word.trailingZeroBitCount)
                    word &= word &- 1
                }
            }
        }
    }
}

/// The per-shot loop of the detector-error-model decoders that predict observables from a bit mask (mwpm and uf
/// tracking each edge's observables, bpm): for each of `count` shots the detectors that fired (and the shot's index)
/// go to `decode`, whose mask (bit o: observable o < 64) is written as predictions [count, observables]. A shot with no
/// detection event predicts no flip without calling `decode`.
enum ObservablePredictions {
    static func run(
        _ rows: DetectionRows, count: Int, observables O: Int, into predictions: UnsafeMutableBufferPointer<UInt8>,
        decode: (_ defects: [Int], _ shot: Int) -> UInt64
    ) {
        var defects: [Int] = []
        for s in 0..<count {
            defects.removeAll(keepingCapacity: true)
            rows.appendFired(shot: s, to: &defects)
            let mask = defects.isEmpty ? 0 : decode(defects, s)
            let out = predictions.baseAddress! + s * O
            for o in 0..<O { out[o] = UInt8(truncatingIfNeeded: mask >> UInt64(o) & 1) }
        }
    }
}

/// The positions i < count where `row[i]` ≠ 0, plus `offset`, appended in increasing order to `defects`: eight
/// bytes at a time, so a row of mostly zero detectors costs a load and a test per eight.
@inline(__always)
func appendFired(_ row: UnsafePointer<UInt8>, count: Int, offset: Int, to defects: inout [Int]) {
    let raw = UnsafeRawPointer(row)
    var i = 0
    while i + 8 <= count {
        var word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        while word != 0 {
            let byte = word.trailingZeroBitCount >> 3
            defects.append(offset + i + byte)
            word &= ~(0xFF << UInt64(byte << 3))
        }
        i += 8
    }
    while i < count {
        if row[i] != 0 { defects.append(offset + i) }
        i += 1
    }
}
