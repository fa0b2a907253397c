import Base
import Codes
import ECCT
import Foundation
import GF2
import Neural
import TestSupport
import XCTest

/// Fixed datasets: reproducible at any thread count, labels that are codewords of the label decoder, exact round
/// trips, and training that reads them.
final class DatasetTests: XCTestCase {
    func testDatasetsAreReproducibleAndLabelledByCodewords() throws {
        let code = try Catalog.code(named: "BCH-31-16")
        let osd = try DecoderRegistry.make("osd2", code: code)
        let one = try ECCTDataset.generate(
            code: code, ebN0: [2], samples: 700, label: osd, labelName: "osd2", seed: 4,
            rejectZeroSyndrome: false, threads: 1)
        let two = try ECCTDataset.generate(
            code: code, ebN0: [2], samples: 700, label: osd, labelName: "osd2", seed: 4,
            rejectZeroSyndrome: false, threads: 2)
        XCTAssertEqual(one.y, two.y)
        XCTAssertEqual(one.flips, two.flips)
        XCTAssertEqual(one.manifest.labelsDifferingFromTruth, two.manifest.labelsDifferingFromTruth)
        let n = code.n
        var differing = 0
        for s in 0..<700 {
            // hard(y) ⊕ flips is the label decoder's codeword
            var c = BitVector(count: n)
            for j in 0..<n where (one.y[s * n + j] < 0) != (one.flips[s * n + j] == 1) { c[j] = true }
            XCTAssertTrue(code.isCodeword(c), "sample \(s)")
            if !c.isZero { differing += 1 }
        }
        XCTAssertEqual(differing, one.manifest.labelsDifferingFromTruth)
        XCTAssertGreaterThan(differing, 0, "at 2 dB some labels differ from the truth")
        let truth = try ECCTDataset.generate(
            code: code, ebN0: [2], samples: 700, label: nil, labelName: "truth", seed: 4,
            rejectZeroSyndrome: true, threads: 2)
        let graph = code.tannerGraph
        for s in 0..<700 {
            XCTAssertTrue(ECCTData.hasNonzeroSyndrome(truth.y, sample: s, n: n, graph: graph))
            for j in 0..<n { XCTAssertEqual(truth.flips[s * n + j], truth.y[s * n + j] < 0 ? 1 : 0) }
        }
        XCTAssertEqual(truth.manifest.labelsDifferingFromTruth, 0)
    }

    func testRoundTripAndTrainingReadsTheDataset() throws {
        let code = try Catalog.code(named: "HAMMING-7-4")
        let data = try ECCTDataset.generate(
            code: code, ebN0: [1, 3], samples: 300, label: nil, labelName: "truth", seed: 2,
            rejectZeroSyndrome: false, threads: 2)
        let folder = TemporaryFolder.path("dataset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try data.write(to: folder, shardSize: 128)
        let back = try ECCTDataset.read(folder: folder, code: code)
        XCTAssertEqual(back.y, data.y)
        XCTAssertEqual(back.flips, data.flips)
        XCTAssertEqual(back.manifest.shards.count, 3)
        XCTAssertThrowsError(try ECCTDataset.read(folder: folder, code: try Catalog.code(named: "HAMMING-15-11"))) {
            XCTAssertTrue("\($0)".contains("the dataset is for HAMMING-7-4"), "\($0)")
        }
        var c = ECCTTrainingConfig()
        c.epochs = 2; c.stepsPerEpoch = 4; c.batchSize = 100; c.validationWords = 0; c.dataset = folder
        let trainer = try ECCTTrainer(model: try ECCTModel(code: code, layers: 1, width: 8), config: c, workers: 2)
        // an epoch of 4 × 100 samples walks a permutation of the 300 and wraps around
        var seen: [[Float]] = []
        for s in 0..<3 {
            let (y, targets) = trainer.batch(step: s)
            for b in 0..<100 {
                let row = Array(y[(b * 7)..<((b + 1) * 7)])
                let i = try XCTUnwrap((0..<300).first { Array(data.y[($0 * 7)..<(($0 + 1) * 7)]) == row })
                XCTAssertEqual(
                    Array(targets[(b * 7)..<((b + 1) * 7)]), data.flips[(i * 7)..<((i + 1) * 7)].map { 1 - $0 })
                seen.append(row)
            }
        }
        XCTAssertEqual(
            Set(seen.map { $0.map(\.bitPattern) }).count, 300, "the first 300 samples of an epoch are all distinct")
        XCTAssertNotEqual(trainer.batch(step: 4).y, trainer.batch(step: 0).y, "the next epoch is reshuffled")
        XCTAssertEqual(try trainer.train(checkpoint: nil), .finished)
    }

    /// Several datasets: every batch takes exactly its share of each (floor of B·wᵢ/Σw, the remainder to the first).
    func testBatchMixIsExact() throws {
        XCTAssertEqual(ECCTTrainingConfig.shares(batch: 20, weights: [0.75, 0.25]), [15, 5])
        XCTAssertEqual(ECCTTrainingConfig.shares(batch: 10, weights: [1, 1, 1]), [4, 3, 3])
        let code = try Catalog.code(named: "HAMMING-7-4")
        var folders: [String] = [], sets: [ECCTDataset] = []
        for seed in [UInt64(1), 2] {
            let data = try ECCTDataset.generate(
                code: code, ebN0: [2], samples: 50, label: nil, labelName: "truth", seed: seed,
                rejectZeroSyndrome: false, threads: 1)
            let folder = TemporaryFolder.path("mix-\(seed)-\(UUID().uuidString)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try data.write(to: folder)
            folders.append(folder); sets.append(data)
        }
        var c = ECCTTrainingConfig()
        c.batchSize = 20; c.validationWords = 0; c.epochs = 1; c.stepsPerEpoch = 3
        c.dataset = folders.joined(separator: ","); c.batchMix = [0.75, 0.25]
        let trainer = try ECCTTrainer(model: try ECCTModel(code: code, layers: 1, width: 8), config: c, workers: 1)
        func rows(_ d: ECCTDataset) -> Set<[UInt32]> {
            Set((0..<50).map { i in (0..<7).map { d.y[i * 7 + $0].bitPattern } })
        }
        let (a, b) = (rows(sets[0]), rows(sets[1]))
        for s in 0..<3 {
            let y = trainer.batch(step: s).y
            for r in 0..<20 {
                let row = (0..<7).map { y[r * 7 + $0].bitPattern }
                XCTAssertTrue(r < 15 ? a.contains(row) : b.contains(row), "step \(s) row \(r)")
            }
        }
        c.batchMix = [1]
        XCTAssertThrowsError(try c.validate()) {
            XCTAssertTrue("\($0)".contains("one positive weight per dataset"), "\($0)")
        }
    }
}
