import Codes
import ECCT
import Foundation
import Neural
import TestSupport
import XCTest

/// The Laplacian spectrum of the AECCT's spectral positional encoding (docs/DESIGN.md §6), from LAPACK's ssyevd.
final class SpectralEncodingTests: XCTestCase {
    /// L u_j = λ_j u_j, U orthonormal, eigenvalues ascending, and the sign- and order-free facts: the smallest
    /// eigenvalue of a connected graph's Laplacian is 0 (once), and Σ λ = trace L = 2·edges.
    func testEigenpairsOfTheTannerGraphLaplacian() throws {
        let code = try CodeFiles.readCode(path: TestResources.path("BCH_N63_K45.txt"))
        let L = code.n + code.m
        let lap = SpectralPositionalEncoding.laplacian(code: code)
        let table = try SpectralPositionalEncoding.table(code: code)
        XCTAssertEqual(table.count, L * L * 2)
        let lambda = (0..<L).map { table[$0 * 2] }
        func u(_ j: Int, _ i: Int) -> Double { Double(table[(i * L + j) * 2 + 1]) }
        XCTAssertEqual(lambda, lambda.sorted())
        for j in 0..<L {
            for i in 0..<L {
                var lu = 0.0
                for k in 0..<L { lu += Double(lap[i * L + k]) * u(j, k) }
                XCTAssertEqual(
                    lu, Double(lambda[j]) * u(j, i), accuracy: 2e-3 * Double(max(1, lambda[L - 1])),
                    "L u = λ u at (\(i), \(j))")
            }
            for k in j..<L {
                let dot = (0..<L).reduce(0.0) { $0 + u(j, $1) * u(k, $1) }
                XCTAssertEqual(dot, j == k ? 1 : 0, accuracy: 1e-4, "uᵀu at (\(j), \(k))")
            }
        }
        let edges = (0..<code.m).reduce(0) {
            $0 + code.tannerGraph.checkEdgeStart[$1 + 1] - code.tannerGraph.checkEdgeStart[$1]
        }
        XCTAssertEqual(Double(lambda.reduce(0, +)), Double(2 * edges), accuracy: 1e-2)
        XCTAssertEqual(Double(lambda[0]), 0, accuracy: 1e-4)
        XCTAssertGreaterThan(lambda[1], 1e-3, "the Tanner graph of BCH-63-45 is connected")
    }

    /// The reference's stored table for BCH-63-45 (fixture `lpe`, from another solver: other signs and order) has the
    /// same eigenvalues, and its eigenvectors span the same eigenspaces: Σ_j u_j[i]·u_j[k] over an eigenvalue's
    /// multiplicity is the projector, the same whatever the basis.
    func testSameSpectrumAsTheReferenceTable() throws {
        let code = try CodeFiles.readCode(path: TestResources.path("BCH_N63_K45.txt"))
        let L = code.n + code.m
        let (tensors, _) = try SafeTensors.read(path: TestResources.path("aecct-bch63-45-N2-d32/weights.safetensors"))
        let reference = try XCTUnwrap(tensors["lpe"])
        XCTAssertEqual(reference.shape, [L, L, 2])
        let ours = try SpectralPositionalEncoding.table(code: code)
        let refLambda = (0..<L).map { reference.values[$0 * 2] }.sorted(), ourLambda = (0..<L).map { ours[$0 * 2] }
        for (a, b) in zip(refLambda, ourLambda) { XCTAssertEqual(a, b, accuracy: 2e-3) }
        // the projector onto the largest eigenvalue's eigenspace (multiplicity 1 for this graph)
        let refTop = (0..<L).max { reference.values[$0 * 2] < reference.values[$1 * 2] }!
        for i in 0..<L {
            for k in 0..<L {
                let p = reference.values[(i * L + refTop) * 2 + 1] * reference.values[(k * L + refTop) * 2 + 1]
                let q = ours[(i * L + L - 1) * 2 + 1] * ours[(k * L + L - 1) * 2 + 1]
                XCTAssertEqual(p, q, accuracy: 1e-3)
            }
        }
    }

    func testBadMatricesAreRejected() {
        XCTAssertThrowsError(try SymmetricEigen.decompose([1, 2, 3], order: 2))
        XCTAssertThrowsError(try SymmetricEigen.decompose([1, .nan, .nan, 1], order: 2))
        XCTAssertThrowsError(try SymmetricEigen.decompose([], order: 0))
        XCTAssertThrowsError(try SymmetricEigen.decompose([1], order: SymmetricEigen.maxOrder + 1))
    }
}
