import Foundation
import QECC
import TestSupport
import XCTest

/// `eccbench qec decode` on Stim's files, and the sinter decoder module (python/eccbench_sinter.py).
final class QECDecodeCommandTests: XCTestCase {
    func testDecodesStimsEventsIntoPyMatchingsPredictionsAtAnyThreadCount() throws {
        let dem = TestResources.path("dem/surface-d5-r5.dem")
        let events = TestResources.path("dem/surface-d5-r5.match.events.b8")
        let expected = try Data(
            contentsOf: URL(fileURLWithPath: TestResources.path("dem/surface-d5-r5.match.pymatching.b8")))
        for threads in ["1", "2"] {
            let out = temp("predictions-\(threads).b8")
            try runSucceeding([
                "qec", "decode", "--dem", dem, "--in", events, "--in-format", "b8", "--out", out, "--out-format", "b8",
                "--decoder", "mwpm", "--threads", threads,
            ])
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), expected, "\(threads) threads")
        }
        // 01 in, 01 out: the same predictions in the other format
        let model = try DetectorErrorModel(contentsOf: dem)
        let bits = try ShotFormat.b8.read(
            Data(contentsOf: URL(fileURLWithPath: events)), bitsPerShot: model.detectorCount, source: events
        ).bits
        let text = temp("events.01")
        try ShotFormat.zeroOne.write(bits, bitsPerShot: model.detectorCount).write(to: URL(fileURLWithPath: text))
        let out01 = temp("predictions.01")
        try runSucceeding(["qec", "decode", "--dem", dem, "--in", text, "--out", out01, "--decoder", "uf"])
        let predictions = try ShotFormat.zeroOne.read(
            Data(contentsOf: URL(fileURLWithPath: out01)), bitsPerShot: 1, source: out01)
        XCTAssertEqual(predictions.shots, 400)
        // ptb64 in and out (Stim's 64-shot fixture): the predictions of the b8 path, and 400 shots refused for ptb64
        let small = TestResources.path("dem/surface-d5-r5.dem")
        var outputs: [[UInt8]] = []
        for format in ["b8", "ptb64"] {
            let out = temp("predictions-64.\(format)")
            try runSucceeding([
                "qec", "decode", "--dem", small, "--in", TestResources.path("dem/surface-d5-r5.events.\(format)"),
                "--in-format", format, "--out", out, "--out-format", format,
            ])
            outputs.append(
                try ShotFormat.named(format).read(
                    Data(contentsOf: URL(fileURLWithPath: out)), bitsPerShot: 1, source: out
                ).bits)
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertEqual(outputs[0].count, 64)
        let never = temp("never.ptb64")
        try runFailing(
            [
                "qec", "decode", "--dem", dem, "--in", events, "--in-format", "b8", "--out", never, "--out-format",
                "ptb64",
            ],
            saying: "ptb64 holds shots in groups of 64: 400 shots is not a multiple of 64")
        XCTAssertFalse(FileManager.default.fileExists(atPath: never))
    }

    func testBadInputIsRefusedAndNothingIsWritten() throws {
        let dem = TestResources.path("dem/surface-d3-r3.dem")
        let short = temp("short.b8"), out = temp("never.b8"), hyper = temp("hyper.dem"), broken = temp("broken.dem")
        try Data([1, 2, 3, 4, 5]).write(to: URL(fileURLWithPath: short))
        try "error(0.1) D0 D1\nerror(0.1) D0 D1 D2\n".write(toFile: hyper, atomically: true, encoding: .utf8)
        try "error(0.1) D0\nerror(0.1) D0 Q1\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let events = TestResources.path("dem/surface-d3-r3.match.events.b8")
        let huge = temp("huge.b8")  // sparse: 1,600 MiB of b8 (3 bytes a shot) would take 4.2 GiB of 64-bit words
        FileManager.default.createFile(atPath: huge, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: huge))
        try handle.truncate(atOffset: 1600 << 20)
        try handle.close()
        for (args, message) in [
            (["--dem", dem, "--in", huge, "--in-format", "b8"], "decode it in parts"),
            (
                ["--dem", dem, "--in", short, "--in-format", "b8"],
                "5 bytes is not a whole number of b8 shots of 24 bits"
            ),
            (["--dem", hyper, "--in", events, "--in-format", "b8"], "hyper.dem:2: error(0.1) has a part flipping 3"),
            (["--dem", broken, "--in", events], "broken.dem:2: target 'Q1'"),
            (["--dem", dem, "--in", events, "--decoder", "blossom"], "unknown decoder 'blossom'"),
            (["--dem", dem, "--in", events, "--in-format", "ptb99"], "unknown shot format 'ptb99'"),
            (["--dem", temp("missing.dem"), "--in", events], "cannot read the detector error model"),
        ] {
            try runFailing(["qec", "decode", "--out", out] + args, saying: message)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(args)")
        }
    }

    /// sinter with our decoder gives PyMatching's logical error rate within sampling error on the same circuit.
    func testSinterThroughOurDecoderMatchesPyMatching() throws {
        guard (try? python(["-c", "import sinter, pymatching"]))?.status == 0 else {
            throw XCTSkip("sinter and pymatching are not installed (pip install sinter pymatching)")
        }
        let script = """
            import os, sys, stim, sinter
            sys.path.insert(0, sys.argv[1])
            os.environ["ECCBENCH"] = sys.argv[2]
            import eccbench_sinter
            c = stim.Circuit.generated("surface_code:rotated_memory_z", distance=3, rounds=3,
                after_clifford_depolarization=0.01, before_round_data_depolarization=0.01,
                before_measure_flip_probability=0.01, after_reset_flip_probability=0.01)
            stats = sinter.collect(num_workers=2, tasks=[sinter.Task(circuit=c, json_metadata={})],
                decoders=["pymatching", "eccbench-mwpm"], max_shots=20000, max_errors=100000,
                custom_decoders=eccbench_sinter.sinter_decoders())
            for s in sorted(stats, key=lambda s: s.decoder):
                print(s.decoder, s.shots, s.errors)
            """
        let r = try python(["-c", script, repositoryPath("python"), binary.path], mergeErrors: false)
        XCTAssertEqual(r.status, 0, r.output)
        var rates: [String: (shots: Double, errors: Double)] = [:]
        for line in r.output.split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count == 3, let shots = Double(f[1]), let errors = Double(f[2]) {
                rates[String(f[0])] = (shots, errors)
            }
        }
        let ours = try XCTUnwrap(rates["eccbench-mwpm"], r.output),
            theirs = try XCTUnwrap(rates["pymatching"], r.output)
        XCTAssertEqual(ours.shots, 20000)
        let (a, b) = (ours.errors / ours.shots, theirs.errors / theirs.shots)
        let sigma = ((a * (1 - a) + b * (1 - b)) / 20000).squareRoot()
        XCTAssertGreaterThan(ours.errors, 50, r.output)
        XCTAssertEqual(a, b, accuracy: 4 * sigma, "LER ours \(a), PyMatching \(b)")
    }
}

/// `eccbench qec --dem F`: the LER table on the model's own shots.
final class QECDetectorErrorModelRunTests: XCTestCase {
    func testRunsTheTableAndTheFilesWithTheSameCountsAtAnyThreadCount() throws {
        let dem = TestResources.path("dem/surface-d3-r3.dem")
        var tables: [String] = []
        for threads in ["1", "2"] {
            let csv = temp("dem-\(threads).csv")
            let r = try runSucceeding([
                "qec", "--dem", dem, "--scale-p", "1,2", "--max-shots", "5000", "--min-shots", "5000", "--threads",
                threads, "--csv", csv,
            ])
            XCTAssertTrue(r.stdout.contains("24 detectors, 1 observables"), r.stdout)
            let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("surface-d3-r3.dem ") }
            // mwpm, uf and the neural decoder shipped for this DEM (found by its fingerprint and priors), × 2 factors
            XCTAssertEqual(rows.count, 6, r.stdout)
            XCTAssertEqual(rows.filter { $0.contains(" neural ") }.count, 2, r.stdout)
            let text = try String(contentsOfFile: csv, encoding: .utf8)
            XCTAssertTrue(text.contains(",mwpm,circuit,2.0,"), text)
            tables.append(
                rows.map { $0.split(separator: " ").prefix(6).joined(separator: " ") }.joined(separator: "\n"))
        }
        XCTAssertEqual(tables[0], tables[1], "the same shots and failures on 1 and 2 threads")
        // LER grows with the priors, and matching beats uniform-growth Union-Find at ×2 over 5,000 shots
        let failures = tables[0].split(separator: "\n").map { Int($0.split(separator: " ")[5])! }
        XCTAssertLessThan(failures[0], failures[1])
        XCTAssertLessThan(failures[1], failures[3])
    }

    /// `--shard i/K` on a DEM: the merged shards give the single process's counts (shots and failures of every point).
    func testShardsMergeToTheSingleProcessCounts() throws {
        let dem = TestResources.path("dem/surface-d3-r3.dem")
        let args = [
            "qec", "--dem", dem, "--decoders", "mwpm,uf", "--scale-p", "1,2", "--min-shots", "3000", "--min-errors",
            "40",
        ]
        func counts(_ text: String) -> [String] {
            text.split(separator: "\n").filter { $0.hasPrefix("surface-d3-r3.dem ") }.map {
                $0.split(separator: " ").prefix(6).joined(separator: " ")
            }
        }
        let single = counts(try runSucceeding(args + ["--threads", "2"]).stdout)
        XCTAssertEqual(single.count, 4)
        let files = (1...3).map { temp("dem-shard-\($0).json") }
        for (i, file) in files.enumerated() {
            try runSucceeding(args + ["--shard", "\(i + 1)/3", "--json", file, "--threads", "1"])
        }
        let csv = temp("dem-merged.csv")
        let merged = try runSucceeding(["merge"] + files + ["--csv", csv])
        XCTAssertEqual(counts(merged.stdout), single, merged.stdout)
        XCTAssertTrue(try String(contentsOfFile: csv, encoding: .utf8).contains(",uf,circuit,2.0,"))
        try runFailing(["merge", files[0], files[1]], saying: "3/3 missing")
    }

    /// `qec train --dem` writes a model that `qec decode --decoder neural:FILE` and `qec --dem --decoders neural:FILE`
    /// use on its DEM, and that another DEM refuses; `--dem` with `--code` is refused.
    func testTrainsOnADEMAndDecodesWithIt() throws {
        let dem = TestResources.path("dem/surface-d3-r3.dem")
        let weights = temp("dem-neural.safetensors")
        let r = try runSucceeding([
            "qec", "train", "--dem", dem, "--layers", "1", "--dim", "8", "--heads", "2", "--epochs", "1",
            "--steps-per-epoch", "2", "--batch", "8", "--validation-shots", "64", "--out", weights, "--overwrite",
        ])
        XCTAssertTrue(r.stdout.contains("24 detectors"), r.stdout)
        let out = temp("dem-neural.01")
        try runSucceeding([
            "qec", "decode", "--dem", dem, "--in", TestResources.path("dem/surface-d3-r3.events.b8"), "--in-format",
            "b8", "--out", out, "--decoder", "neural:\(weights)",
        ])
        XCTAssertEqual(
            try ShotFormat.zeroOne.read(Data(contentsOf: URL(fileURLWithPath: out)), bitsPerShot: 1, source: out).shots,
            64)
        let table = try runSucceeding([
            "qec", "--dem", dem, "--decoders", "mwpm,mine=neural:\(weights)", "--max-shots", "512", "--min-shots",
            "512",
        ])
        XCTAssertTrue(table.stdout.contains(" mine "), table.stdout)
        try runFailing(
            ["qec", "--dem", TestResources.path("dem/repetition-d5-r5.dem"), "--decoders", "neural:\(weights)"],
            saying: "another detector error model")
        try runFailing(
            ["qec", "train", "--dem", dem, "--code", "toric-4", "--out", temp("x.safetensors")], saying: "drop --code")
    }

    func testBadCombinationsAreRefused() throws {
        let dem = TestResources.path("dem/surface-d3-r3.dem")
        try runFailing(["qec", "--dem", dem, "--code", "toric-4"], saying: "--code and --dem")
        try runFailing(["qec", "--scale-p", "2", "--code", "toric-4"], saying: "--scale-p needs --dem")
        try runFailing(["qec", "--dem", dem, "--scale-p", "-1"], saying: "--scale-p: -1.0 is not a factor ≥ 0")
        try runFailing(["qec", "--dem", dem, "--scale-p", "200"], saying: "scaled by 200.0 is above 1")
        try runFailing(
            ["qec", "--dem", TestResources.path("dem/repetition-d5-r5.dem"), "--decoders", "neural"],
            saying: "no neural decoder ships for")
        try runFailing(
            ["qec", "--dem", dem, "--decoders", "mwpm,nosuch"],
            saying: "unknown quantum decoder 'nosuch'")
    }
}
