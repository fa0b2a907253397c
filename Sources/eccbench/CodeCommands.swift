import ArgumentParser
import Codes
import Foundation

/// `eccbench codes`: the catalog.
struct ListCodes: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "codes", abstract: "List the code catalog.")

    func run() throws {
        print("Families (names are case-insensitive):")
        for (name, note) in Catalog.familyNotes {
            print("  " + name.padding(toLength: 26, withPad: " ", startingAt: 0) + note)
        }
        print("\nExamples:")
        print("  " + "name".padding(toLength: 16, withPad: " ", startingAt: 0) + "    n     k     m")
        for name in Catalog.examples {
            let code = try loadCode(name)
            print(
                "  " + name.padding(toLength: 16, withPad: " ", startingAt: 0)
                    + String(format: "%5d %5d %5d", code.n, code.k, code.m))
        }
    }
}

/// `eccbench code NAME --export txt|alist`: print a code's H; `--distance`: its minimum distance and weight enumerator.
struct ShowCode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Print a code's parity-check matrix, or (--distance) its minimum distance and weight enumerator.")

    @Argument(help: "Code name or file.")
    var name: String

    @Option(name: .long, help: "Output format: txt (dense 0/1 rows) or alist.")
    var export: String = "txt"
    @OptionGroup var form: ParityCheckFormOptions
    @Flag(
        name: .long,
        help:
            "Print n, k, the minimum distance, the number of minimum-weight codewords and the low-weight part of the weight enumerator: exact, by enumerating the 2^k codewords (k ≤ 24), all cores."
    )
    var distance = false
    @Option(name: .long, help: "With --distance: how many non-zero weights of the enumerator to list.")
    var terms: Int = 8

    func validate() throws {
        guard ["txt", "alist"].contains(export.lowercased()) else {
            throw ValidationError("--export '\(export)' is not one of txt, alist")
        }
        guard (1...10_000).contains(terms) else { throw ValidationError("--terms \(terms) must be in 1…10000") }
    }

    func run() throws {
        let code = try loadCode(name, standardize: form.standardize)
        if distance {
            let start = Date()
            let wd = try WeightDistribution(code: code)
            let seconds = Date().timeIntervalSince(start)
            print(
                "\(code.name): n = \(code.n), k = \(code.k), minimum distance d = \(wd.minimumDistance.map(String.init) ?? "–") "
                    + "(\(wd.minimumWeightCount) codewords of weight d)")
            print(
                "weight enumerator (lowest weights): "
                    + wd.lowWeightTerms(terms).map { "A_\($0.weight) = \($0.words)" }.joined(separator: ", "))
            let how =
                code.k <= WeightDistribution.maxDimension
                ? "the \(1 << code.k) codewords enumerated"
                : "the dual's \(1 << (code.n - code.k)) codewords enumerated, then the MacWilliams identity"
            print(how + String(format: " in %.3f s", seconds))
            return
        }
        print(
            export.lowercased() == "alist" ? CodeFiles.alistText(code.H) : CodeFiles.denseText(code.H), terminator: "")
    }
}
