import Codes
import ECCT
import Foundation
import Neural
import TestSupport
import XCTest

/// scripts/export_ecct_weights.py on a PyTorch checkpoint shaped like the reference's (runs when torch imports).
final class ExportScriptTests: XCTestCase {
    func testExportedStateDictLoadsWithTheSameValues() throws {
        guard (try? python(["-c", "import torch"]))?.status == 0 else { throw XCTSkip("PyTorch is not installed") }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/export_ecct_weights.py").path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ecct-export-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let code = try Catalog.code(named: "HAMMING-7-4")
        let model = try ECCTModel(code: code, layers: 2, width: 8, seed: 7)
        let ours = dir.appendingPathComponent("ours.safetensors").path
        try SafeTensors.write(model.network.parameters.tensors, to: ours)
        // a DataParallel-style state_dict inside {'state_dict': …}, with the reference's boolean mask buffer
        let checkpoint = dir.appendingPathComponent("ref.pt").path
        let make = """
            import json, struct, sys, numpy as np, torch, collections
            raw = open(sys.argv[1], 'rb').read(); n = struct.unpack('<Q', raw[:8])[0]; h = json.loads(raw[8:8 + n])
            sd = collections.OrderedDict()
            for k, v in h.items():
                if k == '__metadata__': continue
                a, b = v['data_offsets']
                sd['module.' + k] = torch.from_numpy(np.frombuffer(raw[8 + n + a:8 + n + b], dtype='<f4').reshape(v['shape']).copy())
            sd['module.src_mask'] = torch.ones(10, 10, dtype=torch.bool)
            torch.save({'state_dict': sd, 'epoch': 3}, sys.argv[2])
            """
        let made = try python(["-c", make, ours, checkpoint])
        XCTAssertEqual(made.status, 0, made.output)
        let exported = dir.appendingPathComponent("exported.safetensors").path
        let run = try python([script, checkpoint, exported])
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("N = 2, d = 8") && run.output.contains("src_mask"), run.output)
        let loaded = try ECCTModel.load(code: code, weightsAt: exported)
        XCTAssertEqual(loaded.network.parameters.values, model.network.parameters.values)
        // a file that holds no state_dict gets a clear error
        let bad = dir.appendingPathComponent("bad.pt").path
        XCTAssertEqual(try python(["-c", "import torch, sys; torch.save({'x': 1}, sys.argv[1])", bad]).status, 0)
        let failed = try python([script, bad, dir.appendingPathComponent("never.safetensors").path])
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertTrue(failed.output.contains("cannot find a state_dict"), failed.output)
    }

    /// The way back: scripts/to_pytorch_state_dict.py turns our checkpoint into a state_dict with the same values under
    /// the same names, without Adam's moments.
    func testCheckpointGoesBackToAPyTorchStateDict() throws {
        guard (try? python(["-c", "import torch"]))?.status == 0 else { throw XCTSkip("PyTorch is not installed") }
        let script = repositoryPath("scripts/to_pytorch_state_dict.py")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ecct-back-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let code = try Catalog.code(named: "HAMMING-7-4")
        let model = try ECCTModel(code: code, layers: 2, width: 8, seed: 7)
        let ours = dir.appendingPathComponent("ours.safetensors").path
        try ECCTCheckpoint.save(model: model, optimizer: Adam(), config: nil, state: nil, to: ours)
        let out = dir.appendingPathComponent("back.pt").path
        let run = try python([script, ours, out])
        XCTAssertEqual(run.status, 0, run.output)
        let check = """
            import sys, torch, json
            sd = torch.load(sys.argv[1])
            print(json.dumps({k: v.flatten().tolist() for k, v in sd.items()}))
            """
        let read = try python(["-c", check, out], mergeErrors: false)
        XCTAssertEqual(read.status, 0, read.output)
        let back = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(read.output.utf8)) as? [String: [Double]])
        XCTAssertEqual(Set(back.keys), Set(model.network.parameters.tensors.keys))
        for (name, t) in model.network.parameters.tensors {
            XCTAssertEqual(back[name]?.map(Float.init), t.values, name)
        }
    }
}
