import Foundation
import Neural
import TestSupport
import XCTest

/// `kill -9` at seeded random moments of `qec train` and `learn-code` runs that checkpoint after every (one-step)
/// epoch, a third of them aimed at a write (as soon as a temporary file appears): after every kill the checkpoint loads and the same
/// command plus `--resume` continues; the run ends with the weights (and learned code) of an uninterrupted run, and
/// no temporary file is left beside the outputs.
final class KillResumeCommandTests: XCTestCase {
    static let kills = 15

    func families(_ folder: String) -> [(family: String, args: [String], outputs: [String])] {
        let common = [
            "--epochs", "400", "--steps-per-epoch", "1", "--batch-size", "8", "--threads", "1", "--seed", "5",
        ]
        let dqec = folder + "/dqec.safetensors"
        let learned = folder + "/learned.safetensors", code = folder + "/learned.alist"
        return [
            (
                "qec train",
                [
                    "qec", "train", "--code", "toric-3", "--noise", "independent", "--layers", "1", "--dim", "8",
                    "--heads", "2", "--train-p", "0.1", "--validation-shots", "0",
                ] + common + ["--out", dqec], [dqec]
            ),
            (
                "learn-code",
                ["learn-code", "--n", "15", "--k", "7", "--layers", "1", "--dim", "8", "--validation-words", "0"]
                    + common + ["--out", learned, "--code-out", code], [learned, code]
            ),
        ]
    }

    func testKilledRunsResumeToTheWeightsOfAnUninterruptedRun() throws {
        let base = temp("kill-resume")
        try? FileManager.default.removeItem(atPath: base)
        for sub in ["straight", "killed"] {
            try FileManager.default.createDirectory(atPath: base + "/" + sub, withIntermediateDirectories: true)
        }
        var rng = Mutator(seed: 99)
        for ((family, straight, outputs), (_, killed, killedOutputs)) in zip(
            families(base + "/straight"), families(base + "/killed"))
        {
            try runSucceeding(straight)
            var midRun = 0, midWrite = 0
            for k in 0..<Self.kills {
                let resume = FileManager.default.fileExists(atPath: killedOutputs[0])
                if resume {
                    // whatever the moment of the last kill, the checkpoint is whole
                    XCTAssertNoThrow(try SafeTensors.read(path: killedOutputs[0]), "\(family), kill \(k)")
                }
                let p = Process()
                p.executableURL = binary
                p.arguments = killed + (resume ? ["--resume"] : [])
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                let folder = URL(fileURLWithPath: killedOutputs[0]).deletingLastPathComponent().path
                if k % 3 == 0 {
                    // aim at a write: kill as soon as a temporary file appears (or after two seconds)
                    let start = Date()
                    while Date().timeIntervalSince(start) < 2,
                        !(try FileManager.default.contentsOfDirectory(atPath: folder)).contains(where: {
                            $0.contains(".tmp-")
                        })
                    {}
                } else {
                    usleep(UInt32(50_000 + rng.below(400_000)))
                }
                kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
                if p.terminationReason == .uncaughtSignal { midRun += 1 }
                // a temporary file beside the outputs: this kill landed in the middle of a write
                if try FileManager.default.contentsOfDirectory(atPath: folder).contains(where: { $0.contains(".tmp-") })
                {
                    midWrite += 1
                }
            }
            XCTAssertGreaterThan(midRun, Self.kills / 2, "\(family): most kills land in the run")
            XCTAssertGreaterThan(midWrite, 0, "\(family): some kills land in the middle of a write")
            print("\(family): \(Self.kills) kills, \(midRun) during the run, \(midWrite) in the middle of a write")
            try runSucceeding(killed + ["--resume"])
            let a = try SafeTensors.read(path: outputs[0]).tensors, b = try SafeTensors.read(path: killedOutputs[0])
            XCTAssertEqual(Set(a.keys), Set(b.tensors.keys), family)
            for (name, t) in a { XCTAssertEqual(t, b.tensors[name], "\(family): \(name)") }
            for (x, y) in zip(outputs.dropFirst(), killedOutputs.dropFirst()) {
                XCTAssertEqual(
                    try String(contentsOfFile: x, encoding: .utf8), try String(contentsOfFile: y, encoding: .utf8))
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: base + "/killed").filter {
                $0.contains(".tmp-")
            }
            XCTAssertEqual(left, [], "\(family): temporary files left")
        }
    }
}
