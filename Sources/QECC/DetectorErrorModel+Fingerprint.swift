import Foundation

/// What tells which detector error model a neural decoder was trained on, whatever the file's formatting (number
/// spellings, comments, `repeat` blocks or their flattening): the merged columns — their detectors and observables in
/// order — and their priors.
extension DetectorErrorModel {
    /// FNV-1a over the detector and observable counts and every column's detectors and observables: equal for two files
    /// with the same H and observable matrix, column for column.
    public var structureFingerprint: String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ x: Int) {
            for i in 0..<8 { h = (h ^ ((UInt64(bitPattern: Int64(x)) >> (8 * UInt64(i))) & 0xFF)) &* 0x100_0000_01B3 }
        }
        mix(detectorCount)
        mix(observableCount)
        for c in columns {
            mix(c.symptom.detectors.count)
            c.symptom.detectors.forEach(mix)
            mix(-1 - c.symptom.observables.count)
            c.symptom.observables.forEach(mix)
        }
        return String(format: "%016llx", h)
    }

    /// The priors as text for a weights file's metadata (`%.6g`, comma-separated, in column order).
    public var priorsText: String { columns.map { String(format: "%.6g", $0.probability) }.joined(separator: ",") }

    /// True when `text` (a `priorsText`) lists this model's priors, each within a relative 1e-4.
    public func hasPriors(_ text: String) -> Bool {
        let values = text.split(separator: ",").map { Double($0) }
        guard values.count == columns.count else { return false }
        return zip(values, columns).allSatisfy { v, c in
            guard let v else { return false }
            return abs(v - c.probability) <= 1e-4 * max(abs(v), abs(c.probability))
        }
    }
}
