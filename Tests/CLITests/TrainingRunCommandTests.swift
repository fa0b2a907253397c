import Foundation
import Neural
import TestSupport
import XCTest

/// The three training commands (`train`, `qec train`, `learn-code`) share one run layer and one set of flags: the same
/// flags are accepted, an existing checkpoint is not overwritten, the same command line plus `--resume` continues, a
/// changed setting is refused naming its flag, and `--curve` writes the learning curve.
final class TrainingRunCommandTests: XCTestCase {
    static let shared = [
        "--batch-size", "--epochs", "--steps-per-epoch", "--lr", "--min-lr", "--schedule", "--minutes",
        "--resume", "--out", "--curve", "--seed", "--threads", "--init-from",
    ]

    /// Each family's tiny run: its command and options (two epochs of three steps).
    func families(_ name: String) -> [(family: String, args: [String])] {
        let common = [
            "--epochs", "2", "--steps-per-epoch", "3", "--batch-size", "8", "--lr", "1e-3", "--threads", "2",
            "--seed", "3",
        ]
        return [
            (
                "train",
                ["train", "--code", "HAMMING-7-4", "--layers", "1", "--dim", "8", "--validation-words", "32"] + common
                    + ["--out", temp("\(name)-ecct.safetensors"), "--curve", temp("\(name)-ecct.csv")]
            ),
            (
                "qec train",
                [
                    "qec", "train", "--code", "toric-2", "--layers", "2", "--dim", "8", "--heads", "2",
                    "--validation-shots", "64", "--validation-p", "0.1",
                ] + common
                    + ["--out", temp("\(name)-dqec.safetensors"), "--curve", temp("\(name)-dqec.csv")]
            ),
            (
                "learn-code",
                ["learn-code", "--n", "15", "--k", "7", "--layers", "1", "--dim", "16", "--validation-words", "64"]
                    + common + [
                        "--out", temp("\(name)-learned.safetensors"), "--code-out", temp("\(name)-learned.alist"),
                        "--curve", temp("\(name)-learned.csv"),
                    ]
            ),
        ]
    }

    func testEveryTrainingCommandTakesTheSameFlags() throws {
        for command in [["train"], ["qec", "train"], ["learn-code", "train"]] {
            let help = try run(command + ["--help"])
            XCTAssertEqual(help.status, 0, help.stderr)
            for flag in Self.shared {
                XCTAssertTrue(
                    help.stdout.contains(flag + " ") || help.stdout.contains(flag + "\n"),
                    "\(command) lacks \(flag):\n\(help.stdout)")
            }
        }
    }

    func testResumeContinuesTheSameCommandLineAndRefusesAChangedSetting() throws {
        for (family, args) in families("resume") {
            for path in args.indices.filter({ args[$0] == "--out" || args[$0] == "--curve" }).map({ args[$0 + 1] }) {
                try? FileManager.default.removeItem(atPath: path)
            }
            let first = try run(args + ["--minutes", "0.000001"])  // stops after its first step, mid-epoch
            XCTAssertEqual(first.status, 0, "\(family): \(first.stderr)")
            XCTAssertTrue(first.stdout.contains("--resume"), "\(family): \(first.stdout)")
            let again = try run(args)
            XCTAssertNotEqual(again.status, 0, "\(family) overwrote its checkpoint")
            XCTAssertTrue(
                again.stderr.contains("--resume") && again.stderr.contains("--overwrite"), "\(family): \(again.stderr)")
            for (flag, value, shown) in [("--lr", "2e-3", "0.002"), ("--seed", "4", "4"), ("--batch-size", "16", "16")]
            {
                var changed = args + ["--resume"]
                changed[changed.firstIndex(of: flag)! + 1] = value
                let refused = try run(changed)
                XCTAssertNotEqual(refused.status, 0, "\(family) resumed with \(flag) \(value)")
                XCTAssertTrue(refused.stderr.contains("\(flag) \(shown) differs from"), "\(family): \(refused.stderr)")
            }
            let resumed = try run(args + ["--resume"])
            XCTAssertEqual(resumed.status, 0, "\(family): \(resumed.stderr)")
            XCTAssertTrue(resumed.stdout.contains("resuming"), "\(family): \(resumed.stdout)")
            let curvePath = args[args.firstIndex(of: "--curve")! + 1]
            let curve = try String(contentsOfFile: curvePath, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(curve.count, 3, "\(family): a header and two epochs: \(curve)")
            XCTAssertTrue(curve[0].hasPrefix("epoch,"), "\(family): \(curve[0])")
            // the run is finished: a further --resume has nothing to do but says so; --epochs may grow
            let longer = try run(args + ["--resume", "--epochs", "3"])
            XCTAssertEqual(longer.status, 0, "\(family): \(longer.stderr)")
        }
    }

    /// SIGINT during training writes a checkpoint at the step it stopped at, says how to resume and exits with 130; the
    /// same command plus --resume ends with the weights of an uninterrupted run.
    func testInterruptedRunResumesToTheWeightsOfAnUninterruptedOne() throws {
        let args = [
            "train", "--code", "HAMMING-7-4", "--layers", "1", "--dim", "8", "--epochs", "10",
            "--steps-per-epoch", "1000", "--batch-size", "16", "--validation-words", "64", "--lr", "3e-3",
            "--threads", "2",
        ]
        let straight = temp("sigint-straight.safetensors"), interrupted = temp("sigint.safetensors")
        for path in [straight, interrupted] { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(try run(args + ["--out", straight]).status, 0)
        let p = Process()
        p.executableURL = binary
        p.arguments = args + ["--out", interrupted]
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let start = Date()
        while !FileManager.default.fileExists(atPath: interrupted), Date().timeIntervalSince(start) < 60 {
            usleep(2000)
        }
        kill(p.processIdentifier, SIGINT)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130, message)
        XCTAssertTrue(message.contains("interrupted") && message.contains("--resume"), message)
        let state = try XCTUnwrap(SafeTensors.read(path: interrupted).metadata["state"])
        XCTAssertFalse(state.contains("\"step\":10000"), "the run was interrupted before its end")
        let resumed = try run(args + ["--out", interrupted, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let a = try SafeTensors.read(path: straight).tensors, b = try SafeTensors.read(path: interrupted).tensors
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        for (name, t) in a { XCTAssertEqual(t, b[name], name) }
    }
}
