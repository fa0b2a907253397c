import GF2
import Neural
import QECC
import TestSupport
import XCTest

final class CSSCodeTests: XCTestCase {
    /// The fixture's H and logicals (made by yoniLc/DQEC's Codes.py for L = 4, depolarising) reproduced entry for entry.
    func testToricCodeReproducesTheNeuralPapersMatrices() throws {
        let io = try SafeTensors.read(path: TestResources.path("dqec-toric4-depol-N2-d32-h8/io.safetensors")).tensors
        let problem = try DecodingProblem(code: try CSSCode.toric(4), noise: .depolarizing)
        for (name, matrix) in [("H", problem.checkMatrix), ("logicals", problem.logicalMatrix)] {
            let t = try XCTUnwrap(io[name])
            XCTAssertEqual(t.shape, [matrix.rows, matrix.columns], name)
            for r in 0..<matrix.rows {
                for c in 0..<matrix.columns {
                    XCTAssertEqual(matrix[r, c], t.values[r * matrix.columns + c] != 0, "\(name)[\(r), \(c)]")
                }
            }
        }
        // The fixture's syndromes are the ±1 images of H·e.
        let e = try XCTUnwrap(io["error"]), s = try XCTUnwrap(io["syndrome"])
        let H = problem.checkMatrix
        for b in 0..<e.shape[0] {
            let error = BitVector(bits: e.values[(b * 64)..<((b + 1) * 64)].map { $0 != 0 ? 1 : 0 })
            let syndrome = H.multiply(error)
            for i in 0..<32 { XCTAssertEqual(s.values[b * 32 + i], syndrome[i] ? -1 : 1, "word \(b) check \(i)") }
        }
    }

    func testFamiliesHaveTheirParametersAndDistances() throws {
        let cases: [(CSSCode, n: Int, k: Int, d: Int)] = [
            (try CSSCode.toric(3), 18, 2, 3), (try CSSCode.toric(4), 32, 2, 4),
            (try CSSCode.rotatedSurface(3), 9, 1, 3), (try CSSCode.rotatedSurface(5), 25, 1, 5),
            (try CSSCode.planar(2), 5, 1, 2), (try CSSCode.planar(3), 13, 1, 3),
        ]
        for (code, n, k, d) in cases {
            XCTAssertEqual(code.n, n, code.name)
            XCTAssertEqual(code.k, k, code.name)
            XCTAssertTrue((code.hx * code.hz.transposed).isZero, code.name)
            XCTAssertEqual(code.logicalX * code.logicalZ.transposed, BitMatrix.identity(k), code.name)
            let distance = code.distance(maxWeight: d)
            XCTAssertEqual(distance.x, d, "\(code.name) X distance")
            XCTAssertEqual(distance.z, d, "\(code.name) Z distance")
        }
        XCTAssertEqual(try CSSCode.planar(5).n, 2 * 25 - 10 + 1)
        XCTAssertEqual(try CSSCode.rotatedSurface(7).hx.rows + (try CSSCode.rotatedSurface(7)).hz.rows, 48)
    }

    func testLogicalsAreComputedWhenNotGiven() throws {
        let toric = try CSSCode.toric(3)
        let computed = try CSSCode(name: "toric-3 (computed logicals)", hx: toric.hx, hz: toric.hz)
        XCTAssertEqual(computed.k, 2)
        XCTAssertEqual(computed.logicalX * computed.logicalZ.transposed, BitMatrix.identity(2))
        XCTAssertEqual(computed.distance(maxWeight: 3).z, 3)
    }

    func testBadCodesAndNamesAreRefused() throws {
        XCTAssertThrowsError(try QuantumCatalog.code(named: "toroc-4")) { e in
            XCTAssertTrue("\(e)".contains("toric-4"), "\(e)")
        }
        XCTAssertThrowsError(try QuantumCatalog.code(named: "toric-1")) { XCTAssertTrue("\($0)".contains("2...")) }
        XCTAssertThrowsError(try QuantumCatalog.code(named: "surface-4")) { XCTAssertTrue("\($0)".contains("odd")) }
        XCTAssertThrowsError(try QuantumCatalog.code(named: "planar-100000"))
        XCTAssertEqual(try QuantumCatalog.code(named: "TORIC-5").n, 50)
        // Non-commuting stabilisers.
        var hz = BitMatrix(rows: 1, columns: 2); hz[0, 0] = true
        var hx = BitMatrix(rows: 1, columns: 2); hx[0, 0] = true
        XCTAssertThrowsError(try CSSCode(name: "bad", hx: hx, hz: hz)) { XCTAssertTrue("\($0)".contains("H_X·H_Zᵀ")) }
        XCTAssertThrowsError(try PauliNoise.named("bitflip")) { XCTAssertTrue("\($0)".contains("independent")) }
        XCTAssertEqual(try PauliNoise.named("depolarization"), .depolarizing)
        XCTAssertThrowsError(try DecodingProblem(code: try CSSCode.toric(3), noise: .independent, rounds: 0))
    }
}
