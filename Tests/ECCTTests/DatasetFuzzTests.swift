import Codes
import Foundation
import Neural
import TestSupport
import XCTest

@testable import ECCT

/// Corrupted datasets given to `train --data`: manifest bytes mutated, manifest fields set to hostile values (huge or
/// negative sample counts, shard names out of the folder, missing shards, another code), shards of another code. Each
/// is refused with an error naming a file of the dataset, or reads as a dataset whose size is its manifest's.
final class DatasetFuzzTests: XCTestCase {
    func testCorruptedDatasetsAreRefusedOrRead() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        let folder = TemporaryFolder.path("dataset", group: "dataset-fuzz")
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = try ECCTDataset.generate(
            code: code, ebN0: [2, 3], samples: 300, label: nil, labelName: "truth", seed: 4, rejectZeroSyndrome: false,
            threads: 1)
        try data.write(to: folder, shardSize: 128)
        // a shard of another code of the same length, to be swapped in
        let other = TemporaryFolder.path("other", group: "dataset-fuzz")
        try? FileManager.default.removeItem(atPath: other)
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        try ECCTDataset.generate(
            code: LinearCode(
                name: "OTHER-7", parityCheck: try Catalog.code(named: "HAMMING-7-4").H.transposed.transposed),
            ebN0: [2], samples: 128, label: nil, labelName: "truth", seed: 5, rejectZeroSyndrome: false, threads: 1
        ).write(to: other, shardSize: 128)
        let manifestPath = folder + "/dataset.json"
        let manifest = [UInt8](try Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        let json = try JSONSerialization.jsonObject(with: Data(manifest)) as! [String: Any]
        let hostile: [Any] = [
            -1, 0, 100_000_000_000_000_000, 9_223_372_036_854_775_807, 299, 301, "x", NSNull(), [String](),
            ["../dataset/shard-00000.safetensors"], ["/etc/passwd"], ["shard-99999.safetensors"], [".."], [""],
            "OTHER-7", "standard", 1e308,
        ]
        var mutator = Mutator(seed: 0xDA7A)
        var refused = 0, read = 0
        let shard0 = folder + "/shard-00000.safetensors"
        let original0 = try Data(contentsOf: URL(fileURLWithPath: shard0))
        for index in 0..<200 {
            var bytes = manifest, change = "manifest bytes mutated"
            var swapShard = false
            switch mutator.below(4) {
            case 0: bytes = mutator.mutate(manifest)
            case 3: swapShard = true; change = "shard 0 from another code"
            default:
                var object = json
                let keys = object.keys.sorted()
                let key = keys[mutator.below(keys.count)], value = hostile[mutator.below(hostile.count)]
                object[key] = value
                change = "\(key) = \(value)"
                bytes = [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
            }
            try Data(bytes).write(to: URL(fileURLWithPath: manifestPath))
            if swapShard {
                try FileManager.default.removeItem(atPath: shard0)
                try FileManager.default.copyItem(atPath: other + "/shard-00000.safetensors", toPath: shard0)
            }
            defer {
                if swapShard { try? original0.write(to: URL(fileURLWithPath: shard0)) }
            }
            do {
                let d = try ECCTDataset.read(folder: folder, code: code)
                XCTAssertEqual(d.y.count, d.count * code.n, "case \(index): \(change)")
                XCTAssertTrue(d.y.allSatisfy(\.isFinite), "case \(index): \(change)")
                read += 1
            } catch let e as CheckpointError {
                XCTAssertTrue(e.message.hasPrefix(folder), "case \(index): \(change): \(e.message)")
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 100)
        XCTAssertGreaterThan(read, 10)
    }
}
