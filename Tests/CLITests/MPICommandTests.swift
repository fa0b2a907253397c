import Foundation
import Neural
import TestSupport
import XCTest

/// Jobs over Open MPI ranks (`mpirun -np K eccbench …`) give the numbers of one process: Monte Carlo counts with a stop
/// rule, training weights at the same --slices (and across a resume under another rank count), dataset shards. An
/// error on one rank and a killed rank end the job with a message. Skipped when Open MPI is not installed.
final class MPICommandTests: XCTestCase {
    /// Every point's counts in a results JSON.
    func counts(_ path: String, _ keys: [String]) throws -> [[Int]] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        let points = try XCTUnwrap((object as? [String: Any])?["points"] as? [[String: Any]])
        return points.map { p in keys.map { p[$0] as? Int ?? -1 } }
    }

    func testMonteCarloCountsAreThoseOfOneProcessForAnyRankCount() throws {
        let args = [
            "--code", "BCH-31-16", "--decoders", "bp5,osd1", "--ebn0", "2,4", "--min-errors", "60", "--min-frames",
            "1000", "--max-frames", "60000", "--seed", "5",
        ]
        let one = temp("mpi-mc-1.json")
        try runSucceeding(args + ["--json", one, "--threads", "2"])
        let expected = try counts(one, ["frames", "frame_errors", "bit_errors"])
        XCTAssertGreaterThan(expected.count, 0)
        for (ranks, threads) in [(2, 1), (3, 1), (2, 2)] {
            let path = temp("mpi-mc-\(ranks)x\(threads).json")
            let r = try runRanksSucceeding(ranks, args + ["--json", path, "--threads", String(threads)])
            XCTAssertEqual(
                try counts(path, ["frames", "frame_errors", "bit_errors"]), expected, "\(ranks) × \(threads)")
            XCTAssertTrue(r.stdout.contains("\(ranks) ranks × \(threads) thread"), r.stdout)
            // rank 0 alone prints: one header
            XCTAssertEqual(r.stdout.components(separatedBy: "BCH-31-16: n = 31").count, 2, r.stdout)
        }
    }

    func testQuantumCountsAreThoseOfOneProcessForAnyRankCount() throws {
        let args = [
            "qec", "--code", "toric-4", "--noise", "depolarizing", "--decoders", "mwpm,uf", "--p", "0.06,0.1",
            "--min-failures", "40", "--min-shots", "512", "--max-shots", "40000", "--seed", "3", "--threads", "1",
        ]
        let one = temp("mpi-qec-1.json")
        try runSucceeding(args + ["--json", one])
        let expected = try counts(one, ["shots", "failures"])
        for ranks in [2, 3] {
            let path = temp("mpi-qec-\(ranks).json")
            try runRanksSucceeding(ranks, args + ["--json", path])
            XCTAssertEqual(try counts(path, ["shots", "failures"]), expected, "\(ranks) ranks")
        }
    }

    /// Every tensor of a checkpoint (weights and Adam's moments).
    func tensors(_ path: String) throws -> [String: [Float]] {
        try SafeTensors.read(path: path).tensors.mapValues(\.values)
    }

    func testTrainingWeightsAreBitIdenticalForAnyRankCountAndAcrossAResume() throws {
        let args = [
            // d = 32: 13,000 gradient floats, 4 blocks of the exchange, so 2 and 3 ranks combine different chunks
            "train", "--code", "HAMMING-7-4", "--layers", "1", "--dim", "32", "--epochs", "2", "--steps-per-epoch",
            "15", "--batch-size", "24", "--slices", "4", "--threads", "1", "--overwrite",
        ]
        let one = temp("mpi-train-1.safetensors")
        try runSucceeding(args + ["--out", one])
        let expected = try tensors(one)
        for ranks in [2, 3] {
            let path = temp("mpi-train-\(ranks).safetensors")
            try runRanksSucceeding(ranks, args + ["--out", path])
            XCTAssertEqual(try tensors(path), expected, "\(ranks) ranks")
        }
        // one epoch on 2 ranks, the second on 3 ranks (the run keeps its 4 slices)
        let resumed = temp("mpi-train-resumed.safetensors")
        try runRanksSucceeding(2, args.map { $0 == "2" ? "1" : $0 } + ["--out", resumed])
        let r = try runRanksSucceeding(3, args.filter { $0 != "--overwrite" } + ["--out", resumed, "--resume"])
        XCTAssertTrue(r.stdout.contains("4 slices (mean) on 3 ranks"), r.stdout)
        XCTAssertEqual(try tensors(resumed), expected)
        // another slice count on resume is refused, naming both
        let other = try run(args.filter { $0 != "--overwrite" } + ["--out", resumed, "--resume", "--slices", "3"])
        XCTAssertNotEqual(other.status, 0)
        XCTAssertTrue(other.stderr.contains("started with 4 slices"), other.stderr)
    }

    func testAdaConsAndTheOtherFamiliesTrainBitIdenticallyOverRanks() throws {
        let families: [(String, [String])] = [
            (
                "ecct-adacons",
                [
                    "train", "--code", "HAMMING-7-4", "--layers", "1", "--dim", "32", "--epochs", "1",
                    "--steps-per-epoch", "12", "--batch-size", "24", "--slices", "3", "--aggregation", "adacons",
                ]
            ),
            (
                "dqec",
                [
                    "qec", "train", "--code", "toric-2", "--layers", "1", "--dim", "8", "--heads", "2", "--epochs",
                    "1", "--steps-per-epoch", "10", "--batch-size", "16", "--slices", "3",
                ]
            ),
            (
                "learned",
                [
                    "learn-code", "--n", "15", "--k", "7", "--layers", "1", "--dim", "8", "--epochs", "1",
                    "--steps-per-epoch", "10", "--batch-size", "16", "--slices", "3",
                ]
            ),
        ]
        for (name, args) in families {
            var outputs: [[String: [Float]]] = []
            for ranks in [1, 3] {
                let out = temp("mpi-\(name)-\(ranks).safetensors")
                var a = args + ["--out", out, "--threads", "1", "--overwrite"]
                if name == "learned" { a += ["--code-out", temp("mpi-\(name)-\(ranks).alist")] }
                if ranks == 1 { try runSucceeding(a) } else { try runRanksSucceeding(ranks, a) }
                outputs.append(try tensors(out))
            }
            XCTAssertEqual(outputs[0], outputs[1], name)
        }
    }

    func testBadDataParallelFlagsAreRefusedClearly() throws {
        let base = [
            "train", "--code", "HAMMING-7-4", "--layers", "1", "--dim", "8", "--epochs", "1", "--steps-per-epoch", "1",
            "--batch-size", "8", "--out", temp("mpi-bad-flags.safetensors"), "--overwrite",
        ]
        for (flags, message) in [
            (["--slices", "0"], "--slices must be in 1…65536"), (["--slices", "9"], "slices 9 must be in 1…8"),
            (["--aggregation", "median"], "aggregation 'median' is not mean or adacons"),
            (["--adacons-momentum", "0.9"], "--adacons-momentum belongs to --aggregation adacons"),
            (["--aggregation", "adacons", "--adacons-momentum", "1"], "momentum 1.0 must be in [0, 1)"),
        ] {
            try runFailing(base + flags, saying: message)
        }
    }

    func testDatasetShardsAreByteIdenticalOverRanks() throws {
        let args = [
            "dataset", "--code", "BCH-31-16", "--ebn0", "3", "--size", "3000", "--labels", "osd1", "--shard-size",
            "1000",
            "--threads", "1",
        ]
        let one = temp("mpi-data-1"), three = temp("mpi-data-3")
        for folder in [one, three] { try? FileManager.default.removeItem(atPath: folder) }
        try runSucceeding(args + ["--out", one])
        try runRanksSucceeding(3, args + ["--out", three])
        for shard in ["shard-00000", "shard-00001", "shard-00002"] {
            let a = FileManager.default.contents(atPath: "\(one)/\(shard).safetensors")
            XCTAssertNotNil(a)
            XCTAssertEqual(a, FileManager.default.contents(atPath: "\(three)/\(shard).safetensors"), shard)
        }
    }

    func testRanksWithDifferentArgumentsEndTheJobWithAMessage() throws {
        guard let mpirun = mpirunPath else { throw XCTSkip("Open MPI's mpirun is not installed") }
        let base = ["--code", "HAMMING-7-4", "--decoders", "bp5", "--ebn0", "3", "--max-frames", "1000"]
        let started = Date()
        let r = try run(
            [mpirun, "--oversubscribe", "-np", "1", binary.path] + base + ["--seed", "1", ":", "-np", "1", binary.path]
                + base + ["--seed", "2"],
            environment: ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"],
            executable: "/usr/bin/env")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("rank 1 of 2 runs other arguments"), r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
    }

    func testAnErrorEveryRankMeetsEndsTheJobWithOneMessage() throws {
        // a bad decoder name: rank 0 prints it and ends the job before the other rank's message (it waits 2 s)
        let r = try runRanks(2, ["--code", "HAMMING-7-4", "--decoders", "bp5,nosuch", "--ebn0", "3"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("'nosuch'"), r.stderr)
        XCTAssertFalse(r.stderr.contains("rank 1:"), r.stderr)
    }

    /// A long training run on 2 ranks started in the background, once its first checkpoint exists: mpirun, its stderr,
    /// the arguments and the checkpoint's path.
    func startLongTraining(_ name: String, stepsPerEpoch: Int) throws -> (Process, Pipe, [String], String) {
        guard let mpirun = mpirunPath else { throw XCTSkip("Open MPI's mpirun is not installed") }
        let out = temp(name)
        try? FileManager.default.removeItem(atPath: out)
        let args = [
            "train", "--code", "HAMMING-7-4", "--layers", "1", "--dim", "8", "--epochs", "100000", "--steps-per-epoch",
            String(stepsPerEpoch), "--batch-size", "16", "--slices", "2", "--threads", "1", "--out", out,
        ]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: mpirun)
        p.arguments = ["--oversubscribe", "--mca", "btl", "self,vader", "-np", "2", binary.path] + args
        p.environment = ProcessInfo.processInfo.environment.merging([
            "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
        ]) { $1 }
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, (try? SafeTensors.read(path: out)) == nil { usleep(100_000) }
        return (p, err, args, out)
    }

    func testAKilledRankEndsTheJobWithTheCheckpointIntact() throws {
        let (p, err, args, out) = try startLongTraining("mpi-killed.safetensors", stepsPerEpoch: 10)
        // a few more checkpoints, then kill -9 the second rank
        usleep(500_000)
        let ranks = try ranksOf(mpirun: p.processIdentifier)
        XCTAssertEqual(ranks.count, 2, "the ranks of mpirun \(p.processIdentifier)")
        guard let victim = ranks.last else { return }
        let killed = Date()
        kill(victim, SIGKILL)
        let messages = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(killed), 20, "the job ends within seconds")
        XCTAssertNotEqual(p.terminationStatus, 0)
        XCTAssertTrue(String(decoding: messages, as: UTF8.self).contains("signal 9"))
        // the last checkpoint is whole and continues
        let stored = try SafeTensors.read(path: out)
        XCTAssertNotNil(stored.metadata["state"])
        let r = try runRanksSucceeding(2, args + ["--resume", "--minutes", "0.02"])
        XCTAssertTrue(r.stdout.contains("resuming"), r.stdout)
    }

    func testCtrlCStopsEveryRankAtOneStepWithACheckpoint() throws {
        let (p, err, _, out) = try startLongTraining("mpi-interrupted.safetensors", stepsPerEpoch: 50)
        p.interrupt()  // SIGINT to mpirun, which passes it to the ranks
        let messages = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertNotEqual(p.terminationStatus, 0, messages)  // mpirun, interrupted itself, exits 1
        XCTAssertTrue(messages.contains("interrupted: the checkpoint"), messages)
        XCTAssertFalse(messages.contains("MPI_ABORT"), messages)
        let stored = try SafeTensors.read(path: out)
        XCTAssertNotNil(stored.metadata["state"])
    }

    /// The child processes of `pid` (mpirun's ranks), oldest first.
    func ranksOf(mpirun pid: Int32) throws -> [Int32] {
        let entries = try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap(Int32.init)
        return entries.filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == pid
                && ((try? String(contentsOfFile: "/proc/\(child)/cmdline", encoding: .utf8)) ?? "").contains("eccbench")
        }.sorted()
    }
}
