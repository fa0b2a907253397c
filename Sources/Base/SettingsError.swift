/// An impossible setting (a model size, a training option, a count out of range): the message names the field
/// and the value. Errors in files are the file readers' own types (`CodeError`, `CheckpointError`).
public struct SettingsError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
