import Base
import Codes
import ECCT
import Neural
import XCTest

/// The codeword gate (SBND's protocol for networks trained on non-zero syndromes only): a word whose hard decision is
/// a codeword skips the network; every other word gets the network's own decision, whatever the chunking.
final class CodewordGateTests: XCTestCase {
    /// Gated: codeword hard decisions come out as they are (hard and soft: y itself), every other word exactly as
    /// without the gate — at chunk sizes that split the network's frames across chunks unevenly.
    func testCodewordsSkipTheNetworkAndOtherWordsDecodeAsWithout() throws {
        let code = try Catalog.code(named: "BCH-31-16")
        let model = try ECCTModel(code: code, layers: 1, width: 16, seed: 9)
        var rng = SeededRNG(seed: 4)
        let B = 300, n = code.n
        // at 7 dB about half the words are received without an error
        let y = ECCTData.channelOutputs(code: code, count: B, ebN0: [7], rng: &rng)
        let graph = code.tannerGraph
        let passes = (0..<B).map { s in
            y.withUnsafeBufferPointer { !graph.hasNonzeroSyndrome(hardDecisionOf: $0.baseAddress! + s * n) }
        }
        XCTAssertGreaterThan(passes.filter { $0 }.count, 50)
        XCTAssertGreaterThan(passes.filter { !$0 }.count, 50)
        let plain = ECCTDecoder(model: model, chunk: 16)
        let plainBits = plain.decode(llr: y, n: n)
        var plainSoft = [Float](repeating: 0, count: B * n)
        y.withUnsafeBufferPointer { l in
            plainSoft.withUnsafeMutableBufferPointer { plain.decodeSoft(llr: l, count: B, llrScale: 1, into: $0) }
        }
        // the untrained network flips bits of some codeword hard decisions: the gate must change something
        let hard = y.map { UInt8($0 < 0 ? 1 : 0) }
        XCTAssertTrue(
            (0..<B).contains { s in passes[s] && plainBits[(s * n)..<((s + 1) * n)] != hard[(s * n)..<((s + 1) * n)] })
        for chunk in [1, 7, 16, 64] {
            let gated = ECCTDecoder(model: model, chunk: chunk, gatesCodewords: true)
            let bits = gated.decode(llr: y, n: n)
            var soft = [Float](repeating: 0, count: B * n)
            y.withUnsafeBufferPointer { l in
                soft.withUnsafeMutableBufferPointer { gated.decodeSoft(llr: l, count: B, llrScale: 1, into: $0) }
            }
            for s in 0..<B {
                let row = (s * n)..<((s + 1) * n)
                if passes[s] {
                    XCTAssertEqual(bits[row], hard[row], "chunk \(chunk), word \(s)")
                    XCTAssertEqual(soft[row], y[row], "chunk \(chunk), word \(s)")
                } else {
                    XCTAssertEqual(bits[row], plainBits[row], "chunk \(chunk), word \(s)")
                    // the same network output up to the rounding of another batch composition
                    for j in row {
                        XCTAssertEqual(
                            soft[j], plainSoft[j], accuracy: 1e-4 * (1 + abs(plainSoft[j])), "chunk \(chunk), word \(s)"
                        )
                    }
                }
            }
        }
    }

    /// The rule read from a file's metadata: the settings of the phase that made the weights (`training`, else a
    /// frozen model's `qat_training`); nothing recorded or unreadable: no gate.
    func testTheGateFollowsTheTrainingSettingsRecorded() {
        let on = #"{"rejectZeroSyndrome":true,"seed":1}"#, off = #"{"rejectZeroSyndrome":false}"#
        XCTAssertTrue(ECCTCheckpoint.trainedOnNonzeroSyndromesOnly(metadata: ["training": on]))
        XCTAssertTrue(ECCTCheckpoint.trainedOnNonzeroSyndromesOnly(metadata: ["qat_training": on]))
        XCTAssertFalse(ECCTCheckpoint.trainedOnNonzeroSyndromesOnly(metadata: ["training": off]))
        XCTAssertFalse(ECCTCheckpoint.trainedOnNonzeroSyndromesOnly(metadata: ["training": #"{"seed":1}"#]))
        XCTAssertFalse(ECCTCheckpoint.trainedOnNonzeroSyndromesOnly(metadata: [:]))
        XCTAssertFalse(ECCTCheckpoint.trainedOnNonzeroSyndromesOnly(metadata: ["training": "{not json"]))
        // a QAT phase without rejection after a phase 1 with it: the weights have seen codewords
        XCTAssertFalse(
            ECCTCheckpoint.trainedOnNonzeroSyndromesOnly(metadata: ["training": off, "qat_training": on]))
    }
}
