import Foundation
import GF2
import TestSupport

@testable import Codes

/// Paths of the reference parity-check matrices copied into the test bundle.
enum Reference {
    static func path(_ file: String) -> String {
        TestResources.path(file)
    }

    static func H(_ file: String) throws -> BitMatrix { try CodeFiles.readParityCheck(path: path(file)) }

    static func code(_ file: String) throws -> LinearCode { try CodeFiles.readCode(path: path(file)) }
}
