import Foundation

/// Stim's DEM text format (https://github.com/quantumlib/Stim/blob/main/doc/file_format_dem_detector_error_model.md):
/// `error(p) D… L… [^ D… L…]…`, `detector(c…) D…`, `logical_observable L…`, `shift_detectors(c…) k`,
/// `repeat N { … }`, `#` comments and blank lines. Anything else, and every malformed line, throws a `QECCError` naming
/// `source:line` and quoting the token.
extension DetectorErrorModel {
    /// Most mechanisms after `repeat` blocks are expanded (checked before expanding).
    public static let maxMechanisms = 1 << 22

    public init(text: String, source: String = "DEM") throws {
        var text = text
        let program = try text.withUTF8 { bytes in
            var lines = Lines(bytes)
            return try Self.block(&lines, source: source, closing: nil)
        }
        var size = 0
        guard Self.expandedErrors(program, limit: Self.maxMechanisms, into: &size) else {
            throw QECCError(
                "\(source): the model expands to more than \(Self.maxMechanisms) error mechanisms (repeat blocks "
                    + "multiplied out)")
        }
        var state = Interpreter(source: source)
        state.mechanisms.reserveCapacity(size)
        try state.run(program)
        self.init(
            detectorCount: state.maxDetector + 1, observableCount: state.maxObservable + 1,
            mechanisms: state.mechanisms, coordinates: state.coordinates, source: source)
    }

    /// Reads a DEM file; its name prefixes every message.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw QECCError("cannot read the detector error model '\(path)'")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw QECCError("\(path): not UTF-8 text (a detector error model is Stim's text format)")
        }
        try self.init(text: text, source: path)
    }

    // MARK: - Syntax

    enum Statement {
        case instruction(name: String, arguments: [Double], targets: [String], line: Int)
        case repeatBlock(count: Int, body: [Statement], line: Int)
    }

    /// The lines of UTF-8 text, read byte by byte (the syntax is ASCII; tokens become small strings): a line ends at
    /// '\n', '\r\n' or a lone '\r'; `number` counts from 1.
    struct Lines {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0, number = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// The next line without its comment and surrounding blanks (spaces, tabs, vertical tab, form feed), or nil
        /// at the end.
        mutating func next() -> Range<Int>? {
            guard position < bytes.count else { return nil }
            number += 1
            var end = position
            while end < bytes.count && bytes[end] != 10 && bytes[end] != 13 { end += 1 }
            var line = position..<end
            position =
                end < bytes.count && bytes[end] == 13 && end + 1 < bytes.count && bytes[end + 1] == 10
                ? end + 2 : end + 1
            if let hash = line.first(where: { bytes[$0] == UInt8(ascii: "#") }) { line = line.lowerBound..<hash }
            return trimmed(line)
        }

        static func isBlank(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 11 || b == 12 }

        func trimmed(_ r: Range<Int>) -> Range<Int> {
            var (a, z) = (r.lowerBound, r.upperBound)
            while a < z && Self.isBlank(bytes[a]) { a += 1 }
            while z > a && Self.isBlank(bytes[z - 1]) { z -= 1 }
            return a..<z
        }

        func string(_ r: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)
        }

        /// The tokens of `r` separated by `separator` (empty tokens kept) or, for nil, by runs of blanks (none empty).
        func split(_ r: Range<Int>, by separator: UInt8?) -> [Range<Int>] {
            var out: [Range<Int>] = [], a = r.lowerBound
            if let separator {
                for k in r where bytes[k] == separator {
                    out.append(a..<k)
                    a = k + 1
                }
                out.append(a..<r.upperBound)
                return out
            }
            while a < r.upperBound {
                while a < r.upperBound && Self.isBlank(bytes[a]) { a += 1 }
                var z = a
                while z < r.upperBound && !Self.isBlank(bytes[z]) { z += 1 }
                if z > a { out.append(a..<z) }
                a = z
            }
            return out
        }
    }

    static func block(_ lines: inout Lines, source: String, closing: Int?) throws -> [Statement] {
        var out: [Statement] = []
        while let line = lines.next() {
            let number = lines.number
            if line.isEmpty { continue }
            func fail(_ message: String) -> QECCError {
                QECCError("\(source):\(number): \(message) in '\(lines.string(line))'")
            }
            let bytes = lines.bytes
            if line.count == 1 && bytes[line.lowerBound] == UInt8(ascii: "}") {
                guard closing != nil else { throw fail("'}' closes no repeat block") }
                return out
            }
            var k = line.lowerBound
            while k < line.upperBound
                && (bytes[k] | 0x20 >= UInt8(ascii: "a") && bytes[k] | 0x20 <= UInt8(ascii: "z")
                    || bytes[k] == UInt8(ascii: "_"))
            { k += 1 }
            let name = lines.string(line.lowerBound..<k).lowercased()
            var arguments: [Double] = []
            if k < line.upperBound && bytes[k] == UInt8(ascii: "(") {
                guard let close = (k..<line.upperBound).first(where: { bytes[$0] == UInt8(ascii: ")") }) else {
                    throw fail("'(' without ')'")
                }
                let inner = (k + 1)..<close
                if !lines.trimmed(inner).isEmpty {
                    for token in lines.split(inner, by: UInt8(ascii: ",")) {
                        let t = lines.string(lines.trimmed(token))
                        guard let v = Double(t), v.isFinite else {
                            throw fail("argument '\(t)' is not a finite number")
                        }
                        arguments.append(v)
                    }
                }
                k = close + 1
            }
            var targets = lines.split(k..<line.upperBound, by: nil).map(lines.string)
            if name == "repeat" {
                guard targets.last == "{" else { throw fail("repeat needs 'repeat N {'") }
                targets.removeLast()
                guard targets.count == 1, arguments.isEmpty, let count = Int(targets[0]), count >= 1 else {
                    throw fail("repeat needs one count N ≥ 1, as 'repeat 10 {'")
                }
                let body = try block(&lines, source: source, closing: number)
                out.append(.repeatBlock(count: count, body: body, line: number))
                continue
            }
            guard ["error", "detector", "logical_observable", "shift_detectors"].contains(name) else {
                throw fail(name.isEmpty ? "expected an instruction" : "unknown instruction '\(name)'")
            }
            out.append(.instruction(name: name, arguments: arguments, targets: targets, line: number))
        }
        if let closing { throw QECCError("\(source):\(closing): 'repeat … {' is never closed by '}'") }
        return out
    }

    /// Counts the error instructions after expansion into `size`; false once past `limit`.
    static func expandedErrors(_ program: [Statement], limit: Int, into size: inout Int) -> Bool {
        for s in program {
            switch s {
            case .instruction(let name, _, _, _):
                if name == "error" { size += 1 }
            case .repeatBlock(let count, let body, _):
                var inner = 0
                guard expandedErrors(body, limit: limit, into: &inner) else { return false }
                guard inner == 0 || count <= (limit - size) / inner else { return false }
                size += inner * count
            }
            if size > limit { return false }
        }
        return true
    }

    // MARK: - Meaning

    struct Interpreter {
        let source: String
        var detectorOffset = 0
        var coordinateOffset: [Double] = []
        var maxDetector = -1, maxObservable = -1
        var mechanisms: [Mechanism] = []
        var coordinates: [Int: [Double]] = [:]

        init(source: String) { self.source = source }

        mutating func run(_ program: [Statement]) throws {
            for s in program {
                switch s {
                case .repeatBlock(let count, let body, _):
                    for _ in 0..<count { try run(body) }
                case .instruction(let name, let arguments, let targets, let line):
                    try execute(name, arguments, targets, line)
                }
            }
        }

        func fail(_ line: Int, _ message: String) -> QECCError { QECCError("\(source):\(line): \(message)") }

        /// `D5` → 5 + the shift, `L2` → 2; checked against the limits.
        mutating func target(_ token: String, line: Int) throws -> (detector: Int?, observable: Int?) {
            let kind = token.first, digits = token.dropFirst()
            guard let kind, kind == "D" || kind == "L", !digits.isEmpty, digits.allSatisfy(\.isASCII),
                let value = Int(digits), value >= 0
            else {
                throw fail(line, "target '\(token)' is not a detector Dk or an observable Lk (k ≥ 0)")
            }
            if kind == "L" {
                guard value < 1 << 16 else { throw fail(line, "observable '\(token)': at most 65,536 observables") }
                maxObservable = max(maxObservable, value)
                return (nil, value)
            }
            let d = value + detectorOffset
            guard value <= DecodingProblem.maxDetectors, d < DecodingProblem.maxDetectors else {
                throw fail(
                    line,
                    "detector '\(token)' (index \(d) after shifts): at most \(DecodingProblem.maxDetectors) detectors")
            }
            maxDetector = max(maxDetector, d)
            return (d, nil)
        }

        mutating func execute(_ name: String, _ arguments: [Double], _ targets: [String], _ line: Int) throws {
            switch name {
            case "error":
                guard arguments.count == 1 else {
                    throw fail(line, "error takes one probability, error(p), got \(arguments.count) arguments")
                }
                let p = arguments[0]
                guard (0...1).contains(p) else { throw fail(line, "error(\(p)): the probability is outside [0, 1]") }
                var parts: [Symptom] = [], detectors: [Int] = [], observables: [Int] = []
                for (i, token) in targets.enumerated() {
                    if token == "^" {
                        guard !detectors.isEmpty || !observables.isEmpty, i + 1 < targets.count else {
                            throw fail(line, "'^' must separate two non-empty parts of the decomposition")
                        }
                        parts.append(
                            Symptom(detectors: Symptom.reduced(detectors), observables: Symptom.reduced(observables)))
                        (detectors, observables) = ([], [])
                        continue
                    }
                    let t = try target(token, line: line)
                    if let d = t.detector { detectors.append(d) }
                    if let o = t.observable { observables.append(o) }
                }
                parts.append(Symptom(detectors: Symptom.reduced(detectors), observables: Symptom.reduced(observables)))
                mechanisms.append(Mechanism(probability: p, parts: parts, line: line))
            case "detector":
                guard !targets.isEmpty else { throw fail(line, "detector declares no Dk target") }
                for token in targets {
                    guard let d = try target(token, line: line).detector else {
                        throw fail(line, "detector takes detector targets Dk, got '\(token)'")
                    }
                    if !arguments.isEmpty {
                        coordinates[d] = arguments.indices.map {
                            arguments[$0] + ($0 < coordinateOffset.count ? coordinateOffset[$0] : 0)
                        }
                    }
                }
            case "logical_observable":
                guard !targets.isEmpty else { throw fail(line, "logical_observable declares no Lk target") }
                for token in targets {
                    guard try target(token, line: line).observable != nil else {
                        throw fail(line, "logical_observable takes observable targets Lk, got '\(token)'")
                    }
                }
            default:  // shift_detectors
                guard targets.count == 1, let k = Int(targets[0]), k >= 0 else {
                    throw fail(line, "shift_detectors takes one count k ≥ 0, got '\(targets.joined(separator: " "))'")
                }
                guard k <= DecodingProblem.maxDetectors - detectorOffset else {
                    throw fail(line, "shift_detectors \(k): detector indices beyond \(DecodingProblem.maxDetectors)")
                }
                detectorOffset += k
                for (i, a) in arguments.enumerated() {
                    if i < coordinateOffset.count { coordinateOffset[i] += a } else { coordinateOffset.append(a) }
                }
            }
        }
    }
}
