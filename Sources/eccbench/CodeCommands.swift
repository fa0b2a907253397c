import ArgumentParser
import Codes
import Foundation

/// `eccbench codes`: the catalog.
struct ListCodes: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "codes", abstract: "List the code catalog.")

    func run() throws {
        print("Families (names are case-insensitive):")
        for (name, note) in Catalog.familyNotes { print("  " + name.padding(toLength: 26, withPad: " ", startingAt: 0) + note) }
        print("\nExamples:")
        print("  " + "name".padding(toLength: 16, withPad: " ", startingAt: 0) + "    n     k     m")
        for name in Catalog.examples {
            let code = try loadCode(name)
            print("  " + name.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(format: "%5d %5d %5d", code.n, code.k, code.m))
        }
    }
}

/// `eccbench code NAME --export txt|alist`: print a code's H.
struct ShowCode: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "code", abstract: "Print a code's parity-check matrix.")

    @Argument(help: "Code name or file.")
    var name: String

    @Option(name: .long, help: "Output format: txt (dense 0/1 rows) or alist.")
    var export: String = "txt"
    @OptionGroup var form: ParityCheckFormOptions

    func validate() throws {
        guard ["txt", "alist"].contains(export.lowercased()) else {
            throw ValidationError("--export '\(export)' is not one of txt, alist")
        }
    }

    func run() throws {
        let code = try loadCode(name, standardize: form.standardize)
        print(export.lowercased() == "alist" ? CodeFiles.alistText(code.H) : CodeFiles.denseText(code.H), terminator: "")
    }
}
