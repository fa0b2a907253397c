import ArgumentParser
import Base
import Channels
import Dispatch
import Foundation
import QECC
import ScaleOut

/// `eccbench qec decode`: a Stim detector error model's detection events in, predicted observable flips out (the
/// exchange `sinter` and Stim's own tools use).
struct QECDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode detection events of a Stim detector error model into predicted observable flips.",
        discussion: """
            Example: stim sample_dem --in circuit.dem --shots 100000 --out events.b8 --out_format b8
                     eccbench qec decode --dem circuit.dem --in events.b8 --in-format b8 --out predictions.b8 --decoder mwpm
            The shot and bit counts come from the model: events have its detectors' bits a shot, predictions its
            observables'. Formats (Stim's): 01, b8, r8.
            """)

    @Option(name: .long, help: "The detector error model (Stim's text format).")
    var dem: String
    @Option(name: .customLong("in"), help: "Detection events, one shot per record.")
    var input: String
    @Option(name: .long, help: "Format of --in: 01, b8, r8 or ptb64.")
    var inFormat: String = "01"
    @Option(name: .long, help: "Predicted observable flips, written atomically.")
    var out: String
    @Option(name: .long, help: "Format of --out: 01, b8, r8 or ptb64 (a multiple of 64 shots).")
    var outFormat: String = "01"
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Decoder: \(DetectorErrorModelDecoder.names.joined(separator: ", ")) (the shipped one for this DEM), or "
                + "neural:FILE (trained with qec train --dem)."))
    var decoder: String = "mwpm"
    @Option(name: .long, help: "Worker threads (default: all cores). Predictions do not depend on it.")
    var threads: Int = MPIProcessGroup.defaultThreads

    func validate() throws {
        _ = try ShotFormat.named(inFormat)
        _ = try ShotFormat.named(outFormat)
        guard (1...1024).contains(threads) else {
            throw ValidationError("--threads must be in 1...1024, got \(threads)")
        }
        try checkOutputs(["--out": out])
    }

    func run() throws {
        let model = try DetectorErrorModel(contentsOf: dem)
        let decoder = try DetectorErrorModelDecoder(self.decoder, model: model)
        let format = try ShotFormat.named(inFormat)
        guard let size = (try? FileManager.default.attributesOfItem(atPath: input))?[.size] as? Int else {
            throw CommandError("--in: cannot read '\(input)'")
        }
        // held packed, 64 bits a word: b8 straight from its rows (⌈D/64⌉ words for ⌈D/8⌉ bytes a shot); the other
        // formats are read unpacked first, a byte a bit (at most 8 bits a byte of ptb64, one of 01, a shot a byte of r8)
        let D = model.detectorCount, perShot = (D + 7) / 8
        let (held, overflow) =
            format == .b8
            ? (size / max(1, perShot)).multipliedReportingOverflow(by: 8 * ((D + 63) / 64))
            : size.multipliedReportingOverflow(by: format == .r8 ? max(1, D) : (format == .zeroOne ? 1 : 8))
        guard !overflow, held <= Self.maxEventBytes else {
            throw CommandError(
                "--in '\(input)': \(size) bytes of \(format.rawValue) may hold more than \(Self.maxEventBytes >> 30) GiB "
                    + "of detection events in memory; decode it in parts")
        }
        guard let data = FileManager.default.contents(atPath: input) else {
            throw CommandError("--in: cannot read '\(input)'")
        }
        let events = try format.readPacked(
            data, bitsPerShot: D, source: "\(input) (\(D) detectors a shot)")
        let shots = events.shots
        let outFormat = try ShotFormat.named(self.outFormat)
        try outFormat.checkWritable(shots: shots)  // before decoding, not after
        let predictions = Self.decode(decoder, events: events, threads: threads)
        try AtomicFile.write(
            try outFormat.write(predictions, bitsPerShot: model.observableCount), to: out)
    }

    /// Most bytes of detection events held at once.
    static let maxEventBytes = 1 << 32

    /// Shots split into blocks of 4,096 over the threads (each block builds the decoder's per-thread state once);
    /// each block's predictions depend only on its shots.
    static func decode(_ decoder: DetectorErrorModelDecoder, events: PackedShots, threads: Int) -> [UInt8] {
        let O = decoder.model.observableCount, shots = events.shots, block = 4096
        var predictions = [UInt8](repeating: 0, count: shots * O)
        let blocks = (shots + block - 1) / block
        predictions.withUnsafeMutableBufferPointer { p in
            let output = UnsafeSendable(p)
            let counter = BlockCounter()
            DispatchQueue.concurrentPerform(iterations: max(1, min(threads, blocks))) { _ in
                while let b = counter.take(limit: blocks) {
                    let a = b * block, z = min(shots, a + block)
                    decoder.decode(
                        packed: events, shots: a..<z,
                        into: UnsafeMutableBufferPointer(rebasing: output.value[(a * O)..<(z * O)]))
                }
            }
        }
        return predictions
    }
}
