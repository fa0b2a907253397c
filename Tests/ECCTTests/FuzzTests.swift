import Codes
import ECCT
import Foundation
import GF2
import Neural
import TestSupport
import XCTest

/// Seeded mutation fuzzing of the file readers (a few hundred mutants, a few seconds): every mutant gives a clean
/// error or a valid result, never a crash (a crash ends the test process, which fails the run) and never a
/// model with non-finite weights.
final class FuzzTests: XCTestCase {
    func testCodeFileMutantsGiveErrorsOrValidCodes() throws {
        var mutator = Mutator(seed: 0xC0DE)
        var errors = 0, valid = 0
        for file in ["BCH_N31_K16.txt", "LDPC_N49_K24.alist", "POLAR_N64_K32.txt"] {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestResources.path(file))))
            for _ in 0..<100 {
                let text = String(decoding: mutator.mutate(original), as: UTF8.self)
                do {
                    let H =
                        file.hasSuffix(".alist")
                        ? try CodeFiles.parseAlist(text, source: file) : try CodeFiles.parseDense(text, source: file)
                    try CodeLimits.check(n: H.columns, k: H.columns - H.rank, source: file)
                    let code = LinearCode(name: "mutant", parityCheck: H)
                    // a valid result: G spans the null space of H
                    XCTAssertTrue(
                        (0..<code.k).allSatisfy { code.isCodeword(code.G.row($0)) }, "\(file) mutant: G·Hᵀ ≠ 0")
                    XCTAssertEqual(code.k, code.n - H.rank)
                    valid += 1
                } catch let e as CodeError {
                    XCTAssertTrue(e.message.hasPrefix(file), "the error names the file: \(e.message)")
                    errors += 1
                }
            }
        }
        XCTAssertGreaterThan(errors, 50, "the mutations exercise the error paths")
        XCTAssertGreaterThan(valid, 5, "and some mutants are still valid files")
    }

    func testSafetensorsMutantsGiveErrorsOrFiniteModels() throws {
        var mutator = Mutator(seed: 0x5AFE)
        let path = TestResources.path("ecct-bch63-45-N2-d32/weights.safetensors")
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let code = try CodeFiles.readCode(path: TestResources.path("BCH_N63_K45.txt"))
        var errors = 0, loaded = 0
        for i in 0..<200 {
            // mutate the header region most of the time (the data region only changes values)
            var bytes = original
            let headerEnd = 8 + Int(UInt32(original[0]) | UInt32(original[1]) << 8 | UInt32(original[2]) << 16)
            if i % 4 != 0 {
                bytes = Array(mutator.mutate(Array(original[0..<headerEnd]))) + original[headerEnd...]
            } else {
                bytes = mutator.mutate(original)
            }
            do {
                let (tensors, _) = try SafeTensors.parse(Data(bytes), source: "w.safetensors")
                let model = try ECCTModel(code: code, layers: 2, width: 32)
                try model.load(tensors, source: "w.safetensors")
                XCTAssertTrue(model.network.parameters.values.allSatisfy(\.isFinite))
                loaded += 1
            } catch let e as CheckpointError {
                XCTAssertTrue(e.message.hasPrefix("w.safetensors"), e.message)
                errors += 1
            }
        }
        XCTAssertGreaterThan(errors, 100)
        XCTAssertGreaterThan(loaded, 0)
    }
}
