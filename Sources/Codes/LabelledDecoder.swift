/// A decoder under a label the user gave (`mine=ecct:model.safetensors`, `mine=neural:model.safetensors`): it decodes
/// as `base` and reports as `name` in every table, CSV, JSON and plot, so two files of one family are told apart.
/// `LabelledDecoder` (classical) and `QECC.LabelledQuantumDecoder` are this wrapper over the two decoder protocols.
public struct Labelled<Base: Sendable>: Sendable, FallbackReporting {
    public let name: String
    public let base: Base

    public init(base: Base, name: String) {
        self.base = base
        self.name = name
    }

    public func takeFallbacks() -> (frames: Int, reason: String) {
        (base as? FallbackReporting)?.takeFallbacks() ?? (0, "")
    }

    /// `LABEL=SPEC` → (LABEL, SPEC) when LABEL is a plain label (letters, digits, `-`, `_`, `.`, `+`), else nil.
    public static func split(_ raw: String) -> (label: String, spec: String)? {
        guard let eq = raw.firstIndex(of: "=") else { return nil }
        let label = raw[..<eq].trimmingCharacters(in: .whitespaces)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+")
        guard !label.isEmpty, label.allSatisfy({ allowed.contains($0) }) else { return nil }
        return (label, String(raw[raw.index(after: eq)...]))
    }
}

/// A classical decoder under a label.
public typealias LabelledDecoder = Labelled<any Decoder>

extension Labelled: Decoder where Base == any Decoder {
    public func decode(llr: UnsafeBufferPointer<Float>, count: Int, into bits: UnsafeMutableBufferPointer<UInt8>) {
        base.decode(llr: llr, count: count, into: bits)
    }

    public func decode(
        llr: UnsafeBufferPointer<Float>, count: Int, llrScale: Float, into bits: UnsafeMutableBufferPointer<UInt8>
    ) {
        base.decode(llr: llr, count: count, llrScale: llrScale, into: bits)
    }
}
