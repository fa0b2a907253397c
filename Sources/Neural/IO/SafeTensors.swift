import Base
import Foundation

/// A malformed or mismatched checkpoint; the message names the file and the offending field.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// Runs `body`; an error it throws is rethrown as a `CheckpointError` that names the file and what was read from
    /// it ("the stored settings"), so a corrupted field is not blamed on a flag.
    public static func naming<T>(_ path: String, _ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as CheckpointError { throw e } catch {
            throw CheckpointError("\(path): \(what): \(error)")
        }
    }
}

/// safetensors files (F32 tensors only): 8-byte little-endian header length, a JSON header
/// `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}`,
/// then the raw little-endian data. Every field is validated before use; writes are atomic.
public enum SafeTensors {
    public typealias Tensor = Neural.Tensor

    /// Largest header accepted (the format's own limit is 100 MB).
    public static let maxHeaderBytes = 100_000_000

    public static func read(path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError("\(path): cannot read the file")
        }
        return try parse(data, source: path)
    }

    public static func parse(_ data: Data, source: String = "<safetensors>") throws -> (
        tensors: [String: Tensor], metadata: [String: String]
    ) {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else {
            throw CheckpointError("\(source): \(bytes.count) bytes is too short for the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(maxHeaderBytes), headerLength <= UInt64(bytes.count - 8) else {
            throw CheckpointError(
                "\(source): header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        let headerEnd = 8 + Int(headerLength)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) } catch {
            throw CheckpointError("\(source): the header is not valid JSON")
        }
        guard let header = json as? [String: Any] else {
            throw CheckpointError("\(source): the header is not a JSON object")
        }
        // JSON objects keep the last of repeated keys; the format names every tensor once
        var seen = Set<String>()
        for key in topLevelKeys(bytes[8..<headerEnd]) where !seen.insert(key).inserted {
            throw CheckpointError("\(source): tensor '\(key)' is named twice in the header")
        }
        let dataSize = bytes.count - headerEnd
        var metadata: [String: String] = [:]
        var tensors: [String: Tensor] = [:]
        var ranges: [(Int, Int, String)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else {
                    throw CheckpointError("\(source): __metadata__ is not an object")
                }
                for (k, v) in m {
                    guard let s = v as? String else {
                        throw CheckpointError("\(source): __metadata__.\(k) is not a string")
                    }
                    metadata[k] = s
                }
                continue
            }
            guard let info = value as? [String: Any] else {
                throw CheckpointError("\(source): tensor '\(name)': entry is not an object")
            }
            guard let dtype = info["dtype"] as? String else {
                throw CheckpointError("\(source): tensor '\(name)': missing dtype")
            }
            guard dtype == "F32" else {
                throw CheckpointError("\(source): tensor '\(name)': dtype \(dtype) is not supported (only F32)")
            }
            guard let shapeAny = info["shape"] as? [Any] else {
                throw CheckpointError("\(source): tensor '\(name)': missing shape")
            }
            var shape: [Int] = []
            for s in shapeAny {
                guard let n = s as? NSNumber, n.doubleValue == n.doubleValue.rounded(),
                    n.doubleValue >= 0, n.doubleValue < 0x1p40
                else {
                    throw CheckpointError("\(source): tensor '\(name)': shape entry \(s) is not a non-negative integer")
                }
                shape.append(n.intValue)
            }
            guard let offsets = info["data_offsets"] as? [Any], offsets.count == 2,
                let bn = offsets[0] as? NSNumber, let en = offsets[1] as? NSNumber,
                bn.doubleValue == bn.doubleValue.rounded(), en.doubleValue == en.doubleValue.rounded(),
                abs(bn.doubleValue) < 0x1p50, abs(en.doubleValue) < 0x1p50
            else {
                throw CheckpointError("\(source): tensor '\(name)': data_offsets must be [begin, end] integers")
            }
            let b = bn.intValue, e = en.intValue
            guard b >= 0, b <= e, e <= dataSize else {
                throw CheckpointError(
                    "\(source): tensor '\(name)': data_offsets [\(b), \(e)] outside the \(dataSize) data bytes")
            }
            var elements = 1
            for s in shape {
                let (p, overflow) = elements.multipliedReportingOverflow(by: s)
                guard !overflow, p <= dataSize else {
                    throw CheckpointError("\(source): tensor '\(name)': shape \(shape) is too large")
                }
                elements = p
            }
            guard e - b == elements * 4 else {
                throw CheckpointError(
                    "\(source): tensor '\(name)': shape \(shape) needs \(elements * 4) bytes but data_offsets give \(e - b)"
                )
            }
            var values = [Float](repeating: 0, count: elements)
            values.withUnsafeMutableBytes { dst in
                bytes.withUnsafeBytes { src in
                    dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[(headerEnd + b)..<(headerEnd + e)]))
                }
            }
            #if _endian(big)
                values = values.map { Float(bitPattern: $0.bitPattern.byteSwapped) }
            #endif
            tensors[name] = Neural.Tensor(shape: shape, values: values)
            ranges.append((b, e, name))
        }
        // the tensors must cover the data buffer exactly: no overlap, no gap, nothing after the last one
        ranges.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var covered = 0
        for (b, e, name) in ranges {
            if b < covered {
                throw CheckpointError("\(source): tensor '\(name)' overlaps the tensor before it in the data")
            }
            if b > covered {
                throw CheckpointError(
                    "\(source): data bytes \(covered)..<\(b) belong to no tensor (before '\(name)'; a wrong header length?)"
                )
            }
            covered = e
        }
        guard covered == dataSize else {
            throw CheckpointError(
                "\(source): \(dataSize - covered) data bytes after the last tensor belong to no tensor "
                    + "(the header length or the data_offsets are wrong, or bytes were appended)")
        }
        return (tensors, metadata)
    }

    /// The keys of the top-level JSON object, in order and with repeats (the header was parsed already, so
    /// the text is valid JSON). Keys are decoded by JSONSerialization, escapes included.
    static func topLevelKeys(_ header: ArraySlice<UInt8>) -> [String] {
        var keys: [String] = []
        var depth = 0, inString = false, escaped = false, expectKey = false, start = 0
        for i in header.indices {
            let c = header[i]
            if inString {
                if escaped {
                    escaped = false
                } else if c == UInt8(ascii: "\\") {
                    escaped = true
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 1 && expectKey {
                        let quoted = Data([UInt8(ascii: "[")] + Array(header[start...i]) + [UInt8(ascii: "]")])
                        if let array = try? JSONSerialization.jsonObject(with: quoted) as? [String],
                            let key = array.first
                        {
                            keys.append(key)
                        }
                        expectKey = false
                    }
                }
                continue
            }
            switch c {
            case UInt8(ascii: "\""): inString = true; start = i
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectKey = depth == 1 && c == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { expectKey = true }
            default: break
            }
        }
        return keys
    }

    /// Serialise (names sorted, data contiguous, header padded with spaces to a multiple of 8).
    public static func serialize(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.values.count]]
            offset += 4 * t.values.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        var n = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(json)
        for name in names {
            tensors[name]!.values.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Write atomically: a temporary file in the same folder, then rename over the target.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        let data = try serialize(tensors, metadata: metadata)
        do { try AtomicFile.write(data, to: path) } catch let e as AtomicFile.WriteError {
            throw CheckpointError(e.description)
        }
    }
}

extension ParameterSet {
    /// All parameters as safetensors tensors, by name.
    public var tensors: [String: SafeTensors.Tensor] {
        Dictionary(
            uniqueKeysWithValues: entries.map { e in
                (e.name, SafeTensors.Tensor(shape: e.shape, values: Array(values[e.offset..<(e.offset + e.count)])))
            })
    }

    /// Load values by name. Every parameter must be present with its exact shape and finite values (the error
    /// names the tensor and the index of the first NaN or infinity), and no unexpected name may appear (except
    /// those accepted by `ignoring`). Nothing is changed when it throws.
    public func load(
        _ tensors: [String: SafeTensors.Tensor], source: String, ignoring: (String) -> Bool = { _ in false }
    ) throws {
        for e in entries {
            guard let t = tensors[e.name] else { throw CheckpointError("\(source): missing tensor '\(e.name)'") }
            guard t.shape == e.shape else {
                throw CheckpointError("\(source): tensor '\(e.name)' has shape \(t.shape), the model needs \(e.shape)")
            }
            if let bad = t.values.firstIndex(where: { !$0.isFinite }) {
                throw CheckpointError(
                    "\(source): tensor '\(e.name)' value \(bad) (of \(e.count), shape \(e.shape)) is \(t.values[bad])")
            }
        }
        for e in entries {
            let t = tensors[e.name]!
            for i in 0..<e.count { values[e.offset + i] = t.values[i] }
        }
        let known = Set(entries.map(\.name))
        if let extra = tensors.keys.sorted().first(where: { !known.contains($0) && !ignoring($0) }) {
            throw CheckpointError("\(source): unexpected tensor '\(extra)'")
        }
    }

    /// Warm start: copy every tensor whose name and shape match one of these parameters (a smaller code's
    /// transformer layers, say), leave the others as they are, and return the names copied, in parameter order.
    /// Tensors of another shape or unknown names are skipped. A copied tensor's values must be finite (the error
    /// names the tensor and the first bad index); nothing is changed when it throws or when nothing matches.
    public func loadShared(_ tensors: [String: SafeTensors.Tensor], source: String) throws -> [String] {
        let shared = entries.filter { tensors[$0.name]?.shape == $0.shape }
        for e in shared {
            let t = tensors[e.name]!
            if let bad = t.values.firstIndex(where: { !$0.isFinite }) {
                throw CheckpointError(
                    "\(source): tensor '\(e.name)' value \(bad) (shape \(e.shape)) is \(t.values[bad])")
            }
        }
        guard !shared.isEmpty else {
            throw CheckpointError("\(source): no tensor with a name and shape of this model's parameters")
        }
        for e in shared {
            let t = tensors[e.name]!
            for i in 0..<e.count { values[e.offset + i] = t.values[i] }
        }
        return shared.map(\.name)
    }
}
