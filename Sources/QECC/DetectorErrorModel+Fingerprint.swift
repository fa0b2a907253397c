import Base
import Foundation

/// What tells which detector error model a neural decoder was trained on, whatever the file's formatting (number
/// spellings, comments, `repeat` blocks or their flattening): the merged columns — their detectors and observables in
/// order — and their priors.
extension DetectorErrorModel {
    /// FNV-1a over the detector and observable counts and every column's detectors and observables: equal for two files
    /// with the same H and observable matrix, column for column.
    public var structureFingerprint: String {
        var h = FNV1a()
        h.mix(detectorCount)
        h.mix(observableCount)
        for c in columns {
            h.mix(c.symptom.detectors.count)
            for d in c.symptom.detectors { h.mix(d) }
            h.mix(-1 - c.symptom.observables.count)
            for o in c.symptom.observables { h.mix(o) }
        }
        return h.hex
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
