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
}
