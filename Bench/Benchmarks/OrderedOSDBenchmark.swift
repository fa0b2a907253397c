import Channels
import Codes
import Decoders
import Foundation

/// OSD ordered by a neural decoder (`ecct+osdK`, issue 29) on CCSDS-128-64, one thread, the same frames for every
/// decoder: frames/s, µs and test patterns a frame, frame errors; the `ldpc` package's BpOsdDecoder (OSD-CS, order 10)
/// on the same frames when it is installed.
enum OrderedOSDBenchmark {
    static func run(quick: Bool, script: String) throws {
        let code = try Catalog.code(named: "CCSDS-128-64")
        let count = quick ? 1000 : 10000
        let names = ["osd2", "osd3", "ecct+osd1", "ecct+osd2", "ecct+tta2+osd2", "bp50+osd2"]
        let peer = Harness.shell(["python3", "-c", "import ldpc"]) != nil
        for ebn0 in [2.0, 2.5] {
            let frames = makeFrames(code, count: count, ebn0: ebn0, seed: 41)
            let scale = Channel(model: .awgn, parameter: ebn0, rate: code.rate).llrScale
            var osd3: (rate: Double, errors: Int)?
            for name in names {
                let decoder = try DecoderCatalog.make(name, code: code)
                var out = [UInt8](repeating: 0, count: frames.llr.count)
                let seconds = Harness.time {
                    frames.llr.withUnsafeBufferPointer { l in
                        out.withUnsafeMutableBufferPointer {
                            decoder.decode(llr: l, count: count, llrScale: scale, into: $0)
                        }
                    }
                }
                let errors = frameErrors(out, frames.bits, n: code.n)
                let rate = Double(count) / seconds
                let patterns =
                    (decoder as? SoftOrderedStatisticsDecoder)?.testPatterns
                    ?? (decoder as? OrderedStatisticsDecoder)?.testPatterns ?? 0
                if name == "osd3" { osd3 = (rate, errors) }
                var note = String(
                    format: "%.0f µs, %d patterns a frame; %d frame errors of %d", 1e6 / rate, patterns, errors, count)
                if name.hasPrefix("ecct+"), let osd3 {
                    note += String(
                        format: "; %.2f× osd3's frames/s, %.2f× its errors (goal for ecct+osd2: ≥ 2×, ≤ 1.1×)",
                        rate / osd3.rate, Double(errors) / Double(max(1, osd3.errors)))
                }
                Harness.report("\(name) CCSDS-128-64 @ \(ebn0) dB, 1 thread", rate, "frames/s", note)
            }
            guard peer else { continue }
            let dir = try Harness.scratchDirectory("eccbench-osd")
            defer { try? FileManager.default.removeItem(at: dir) }
            let hPath = dir.appendingPathComponent("H.txt").path, llrPath = dir.appendingPathComponent("llr.f32").path
            try CodeFiles.writeAtomically(CodeFiles.denseText(code.H), to: hPath)
            try frames.llr.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: llrPath)) }
            try Data(frames.bits).write(to: URL(fileURLWithPath: llrPath + ".bits"))
            guard let line = Harness.shell(["python3", script, hPath, llrPath, String(code.n), "50", "osd_cs", "10"])
            else {
                print("peer: ldpc_bp.py (BP+OSD) failed")
                continue
            }
            let fields = line.split(separator: " ").compactMap {
                Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            guard fields.count == 4 else {
                print("peer: unexpected output '\(line)'")
                continue
            }
            Harness.report(
                "peer ldpc BpOsdDecoder osd_cs 10 @ \(ebn0) dB, 1 thread", fields[0] / fields[1], "frames/s",
                String(format: "%.0f µs; %d frame errors of %d", 1e6 * fields[1] / fields[0], Int(fields[2]), count))
        }
        if !peer { print("peer: the ldpc Python package is not installed (pip install ldpc) — BpOsdDecoder skipped") }
    }

    static func frameErrors(_ decoded: [UInt8], _ sent: [UInt8], n: Int) -> Int {
        (0..<(sent.count / n)).filter { f in (0..<n).contains { decoded[f * n + $0] != sent[f * n + $0] } }.count
    }
}
