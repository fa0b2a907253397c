import Base
import Codes
import ECCT
import Foundation
import Neural
import ScaleOut

/// Open MPI scale-out on this machine: ranks against threads, and the gather's share of a training step.
///
/// The section launches `mpirun -np R eccbench-benchmarks --rank-step N d S T steps` (R ranks × T threads, S slices) and
/// reads rank 0's line: samples/s and the seconds of the slices' gather (`DataParallelTrainer.lastExchangeSeconds`).
/// Monte Carlo: the whole `eccbench` process, 1 rank × 2 threads against 2 ranks × 1 thread, on the same frames.
enum ScaleOutBenchmark {
    static let environment = ["OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"]
    static let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static func run(quick: Bool) {
        guard let mpirun else {
            print("scale-out: mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev); section skipped")
            return
        }
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let batch = 128
        for (layers, d) in [(2, 32), (6, 128)] {
            let steps = quick ? 3 : (d == 32 ? 60 : 8)
            var rows: [(String, Double)] = []
            for (ranks, threads) in [(1, 2), (2, 1)] {
                // one rank runs alone (mpirun would bind it to one core)
                let launcher =
                    ranks == 1 ? [] : [mpirun, "--oversubscribe", "--mca", "btl", "self,vader", "-np", String(ranks)]
                let args =
                    ["env"] + environment + launcher + [
                        me, "--rank-step", String(layers), String(d), "2", String(threads), String(steps),
                    ]
                guard let out = Harness.shell(args),
                    case let fields = out.split(whereSeparator: \.isWhitespace).compactMap({ Double($0) }),
                    fields.count == 3
                else {
                    print("scale-out: the \(ranks)-rank training run failed")
                    continue
                }
                let (rate, exchange, step) = (fields[0], fields[1], fields[2])
                rows.append(("\(ranks)×\(threads)", rate))
                Harness.report(
                    "train step N=\(layers) d=\(d) batch \(batch), 2 slices, \(ranks) rank × \(threads) thr", rate,
                    "samples/s",
                    String(
                        format: "gather %.2f ms = %.1f%% of a step (%.0f ms)%@", exchange * 1e3,
                        100 * exchange / step, step * 1e3, ranks > 1 ? "; goal: a small share" : ""))
            }
            if rows.count == 2 {
                Harness.report(
                    "  2 ranks × 1 thread / 1 rank × 2 threads, N=\(layers) d=\(d)", rows[1].1 / rows[0].1, "×",
                    "goal ≈ 1 (one machine: ranks cost what threads cost)")
            }
        }
        // Monte Carlo: the whole process on the same frames (a fixed-size point)
        let eccbench = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("eccbench").path
        let frames = quick ? 20_000 : 400_000
        let startup = Harness.time(repeats: 3) {
            _ = Harness.shell(
                ["env"] + environment + [mpirun, "--mca", "btl", "self,vader", "-np", "2", eccbench, "codes"])
        }
        Harness.report("mpirun -np 2 start-up and end (eccbench codes)", startup, "s")
        let common = [
            eccbench, "--code", "BCH-63-45", "--decoders", "bp50", "--ebn0", "4", "--min-frames", String(frames),
            "--max-frames", String(frames),
        ]
        var seconds: [Double] = []
        for (ranks, threads) in [(1, 2), (2, 1)] {
            let args =
                ["env"] + environment
                + (ranks == 1 ? [] : [mpirun, "--oversubscribe", "--mca", "btl", "self,vader", "-np", String(ranks)])
                + common + ["--threads", String(threads)]
            let t = Harness.time(repeats: quick ? 1 : 3) { _ = Harness.shell(args) }
            seconds.append(t)
            Harness.report(
                "Monte Carlo bp50 BCH-63-45 @4 dB, \(ranks) rank × \(threads) thr (process)", Double(frames) / t,
                "frames/s", String(format: "%.2f s for %d frames, start-up included", t, frames))
        }
        if seconds.count == 2 {
            Harness.report(
                "  2 ranks × 1 thread / 1 rank × 2 threads, Monte Carlo", seconds[0] / seconds[1], "×",
                "goal ≈ 1 (the counts are identical)")
        }
    }

    /// The rank side of the training rows (`--rank-step N d S T steps`): every rank trains; rank 0 prints
    /// "samples/s gather-seconds step-seconds" (the means over the timed steps).
    static func rankStep(_ arguments: [String]) throws {
        let group = MPIProcessGroup.start() ?? nil
        let v = arguments.compactMap { Int($0) }
        guard v.count == 5 else { throw SettingsError("--rank-step N d slices threads steps") }
        let (layers, d, slices, threads, steps) = (v[0], v[1], v[2], v[3], v[4])
        let code = try Catalog.code(named: "BCH-63-45")
        let model = try ECCTModel(code: code, layers: layers, width: d, attentionDropout: 0.1, seed: 1)
        let batch = 128
        let trainer = DataParallelTrainer(
            network: model.network, batch: batch, slices: slices, threads: threads, group: Ranks.world,
            optimizer: Adam(learningRate: 1e-4))
        var rng = SplitMixRNG(seed: 5)
        let x = (0..<(batch * code.n)).map { _ in Float.random(in: -1..<3, using: &rng) }
        let t = (0..<(batch * code.n)).map { _ in Float.random(in: 0..<1, using: &rng) < 0.1 ? Float(1) : 0 }
        var step: UInt64 = 0
        for _ in 0..<2 { trainer.step(input: x, targets: t, seed: 1, step: step); step += 1 }
        var exchange = 0.0
        let seconds = Harness.time(repeats: 1) {
            for _ in 0..<steps {
                trainer.step(input: x, targets: t, seed: 1, step: step)
                exchange += trainer.lastExchangeSeconds
                step += 1
            }
        }
        if Ranks.world.isRoot {
            print(Double(batch * steps) / seconds, exchange / Double(steps), seconds / Double(steps))
        }
        group?.finish()
    }
}
