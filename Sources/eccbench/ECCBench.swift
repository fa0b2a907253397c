import ArgumentParser
import Base
import Channels
import Codes
import Decoders
import Foundation
import Neural
import ScaleOut

/// The `eccbench` command: BER/FER curves of classical (and later neural) decoders.
@main
struct ECCBench: ParsableCommand {
    static func main() {
        OpenBLASCore.ensureCoreType(singleThreaded: true)
        GEMM.useSingleThreadedBLAS()  // the engine parallelises over the batch itself
        // under mpirun or srun: every rank runs the command, rank 0 prints and writes (docs/ARCHITECTURE.md §13)
        let ranks = MPIProcessGroup.start()
        do {
            var command = try parseAsRoot()
            // every rank has checked its arguments before any starts work (a rank that creates an output folder must
            // not make another rank's check of that path fail)
            ranks?.barrier()
            try command.run()
            ranks?.finish()
        } catch {
            if let ranks {
                // a stop every rank agreed on (an interrupt: TrainingRun stops all ranks at one step) ends quietly
                if let code = error as? ExitCode, code != .success {
                    ranks.finish()
                    Foundation.exit(code.rawValue)
                }
                if exitCode(for: error) == .success {
                    print(fullMessage(for: error))
                    ranks.finish()
                    Foundation.exit(0)
                }
                // an error on any rank ends the whole job with its message (no rank left waiting in a collective)
                ranks.abort(fullMessage(for: error), status: exitCode(for: error).rawValue)
            }
            exit(withError: error)
        }
    }

    /// The version results files record.
    static let version = "0.3.0-dev"

    static let configuration = CommandConfiguration(
        commandName: "eccbench",
        abstract: "Error-correcting codes and their decoders: BER/FER curves, −ln(BER) tables, code catalog.",
        discussion: """
            Example: eccbench --code BCH-63-45
                     eccbench --code POLAR-64-32 --decoders sc,scl8,osd2 --ebn0 1:6:0.5 --plot polar.svg
            Decoders:
            \(DecoderCatalog.help)
            """,
        version: version,
        subcommands: [
            Simulate.self, Train.self, Quantize.self, Info.self, Dataset.self, Infer.self, ListCodes.self,
            ShowCode.self, LearnCode.self, Merge.self,
            QEC.self,
        ],
        defaultSubcommand: Simulate.self)
}

/// Error raised by the command for bad input: printed as "Error: message", exit status 1.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Resolve a code name or file. Library errors carry their own message (the file, line or field), and the
/// command prints them as they are: "Error: message", exit status 1.
func loadCode(_ name: String, standardize: Bool = false) throws -> LinearCode {
    let code = try Catalog.code(named: name)
    return standardize ? try code.standardized() : code
}

/// `--standardize`: H brought to [I | P] as the reference codes' `--standardize` (BCH and polar codes; the mask
/// changes with it). Every header and JSON says which H was used.
struct ParityCheckFormOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: "Bring H to standard form [I | P] (as the reference codes' --standardize; changes the ECCT mask).")
    var standardize = false
}

/// Output files are checked before any work: a path that cannot be written fails at once, not after a simulation, and
/// two outputs may not name the same file (one would overwrite the other). `outputs` pairs each flag with its path.
func checkOutputs(_ outputs: KeyValuePairs<String, String?>) throws {
    var seen: [String: String] = [:]
    for case (let flag, let path?) in outputs {
        do { try AtomicFile.checkWritable(path) } catch let e as AtomicFile.WriteError {
            throw ValidationError("\(flag): \(e.description)")
        }
        let key = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        if let other = seen[key] { throw ValidationError("\(other) and \(flag) name the same file '\(path)'") }
        seen[key] = flag
    }
}
