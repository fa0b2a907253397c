/// A malformed or unreadable code file, or an unknown code name.
public struct CodeError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }

    /// An error at a line of a file: "file:line: message".
    public static func file(_ path: String, line: Int?, _ message: String) -> CodeError {
        CodeError(line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)")
    }

    public var description: String { message }
}
