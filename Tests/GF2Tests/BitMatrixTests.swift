import Base
import Channels
import XCTest

@testable import GF2

final class BitMatrixTests: XCTestCase {
    /// Plain reference twins over [[UInt8]].
    func referenceProduct(_ a: [[UInt8]], _ b: [[UInt8]]) -> [[UInt8]] {
        a.map { row in (0..<b[0].count).map { j in UInt8(row.indices.reduce(0) { $0 ^ Int(row[$1] & b[$1][j]) }) } }
    }

    func referenceRank(_ m: [[UInt8]]) -> Int {
        var a = m, rank = 0
        let cols = a.first?.count ?? 0
        for c in 0..<cols {
            guard let p = (rank..<a.count).first(where: { a[$0][c] == 1 }) else { continue }
            a.swapAt(p, rank)
            for r in 0..<a.count where r != rank && a[r][c] == 1 { for j in 0..<cols { a[r][j] ^= a[rank][j] } }
            rank += 1
        }
        return rank
    }

    func testProductAndTransposeMatchReference() {
        var rng = SeededRNG(seed: 1)
        for (r, c, s) in [(3, 5, 7), (17, 70, 9), (64, 65, 130), (1, 1, 1)] {
            let a = BitMatrix.random(rows: r, columns: c, using: &rng)
            let b = BitMatrix.random(rows: c, columns: s, using: &rng)
            XCTAssertEqual((a * b).rowBits, referenceProduct(a.rowBits, b.rowBits))
            XCTAssertEqual(a.transposed.transposed, a)
            XCTAssertEqual((a * b).transposed, b.transposed * a.transposed)
            let v = BitVector(bits: (0..<c).map { _ in UInt8(rng.next() & 1) })
            XCTAssertEqual(a.multiply(v).bits, referenceProduct(a.rowBits, v.bits.map { [$0] }).map { $0[0] })
        }
    }

    func testRankMatchesReferenceAndRankNullity() {
        var rng = SeededRNG(seed: 2)
        for (r, c) in [(10, 20), (40, 30), (65, 130), (100, 100), (7, 200)] {
            var a = BitMatrix.random(rows: r, columns: c, using: &rng)
            // force dependencies: duplicate a row into the last one
            if r > 2 { a.setRow(r - 1, a.row(0) ^ a.row(1)) }
            XCTAssertEqual(a.rank, referenceRank(a.rowBits))
            XCTAssertEqual(a.rref().pivots.count, a.rank)
            let N = a.nullSpace
            XCTAssertEqual(a.rank + N.rows, c, "rank + nullity = n")
            XCTAssertTrue((a * N.transposed).isZero, "A · Nᵀ = 0")
            XCTAssertEqual(N.rank, N.rows, "null-space basis is independent")
        }
    }

    func testInverse() throws {
        var rng = SeededRNG(seed: 3)
        var found = 0
        for size in [1, 5, 33, 64, 90] {
            for _ in 0..<20 {
                let a = BitMatrix.random(rows: size, columns: size, using: &rng)
                if a.rank == size {
                    let inv = try a.inverse()
                    XCTAssertEqual(a * inv, .identity(size))
                    XCTAssertEqual(inv * a, .identity(size))
                    found += 1
                    break
                } else {
                    XCTAssertThrowsError(try a.inverse())
                }
            }
        }
        XCTAssertEqual(found, 5)
        var singular = BitMatrix.identity(4); singular[3, 3] = false
        XCTAssertThrowsError(try singular.inverse()) { XCTAssertEqual($0 as? GF2Error, .singular(size: 4, rank: 3)) }
        XCTAssertThrowsError(try BitMatrix(rows: 2, columns: 3).inverse())
    }

    func testStandardFormAndGeneratorParityDuality() throws {
        var rng = SeededRNG(seed: 4)
        for (m, n) in [(6, 15), (20, 63), (40, 128)] {
            let H = BitMatrix.random(rows: m, columns: n, using: &rng)
            let G = H.generatorFromParityCheck
            XCTAssertEqual(G.rows, n - H.rank)
            XCTAssertTrue((G * H.transposed).isZero, "G·Hᵀ = 0")
            let H2 = G.parityCheckFromGenerator
            XCTAssertTrue(H2.spansSameRowSpace(as: H.rowBasis))
            let (S, perm) = try G.standardForm()
            XCTAssertEqual(Set(perm), Set(0..<n))
            for r in 0..<G.rows { for c in 0..<G.rows { XCTAssertEqual(S[r, c], r == c) } }
            // [I | P] spans the permuted row space of G
            XCTAssertTrue(S.spansSameRowSpace(as: G.permutingColumns(perm)))
        }
        let dependent = BitMatrix(rows: [[1, 1, 0], [1, 1, 0]])
        XCTAssertThrowsError(try dependent.standardForm())
    }

    func testBitVectorBasics() {
        let v = BitVector(bits: [1, 0, 1, 1] + [UInt8](repeating: 0, count: 70) + [1])
        XCTAssertEqual(v.weight, 4)
        XCTAssertEqual(v.support, [0, 2, 3, 74])
        XCTAssertEqual((v ^ v).isZero, true)
        XCTAssertEqual(v.dot(v), 0)
        let w = BitVector(count: 70, words: [~0, ~0])
        XCTAssertEqual(w.weight, 70, "padding bits are cleared")
    }
}

final class EliminationStandardFormTests: XCTestCase {
    /// A missing pivot rotates the columns as the reference does: columns 1 and 2 shift left, column 3 comes in.
    func testMissingPivotRotatesColumns() throws {
        // column 1 has no 1 below row 0 once column 0 is cleared
        let H = BitMatrix(rows: [[1, 1, 0, 1, 0], [0, 0, 1, 1, 0], [0, 0, 0, 1, 1]])
        let (S, perm) = try H.eliminationStandardForm()
        XCTAssertEqual(perm, [0, 2, 3, 1, 4])
        // the reference's get_standard_form gives exactly this matrix
        XCTAssertEqual(S, BitMatrix(rows: [[1, 0, 0, 1, 1], [0, 1, 0, 0, 1], [0, 0, 1, 0, 1]]))
        XCTAssertTrue(H.permutingColumns(perm).spansSameRowSpace(as: S))
        XCTAssertThrowsError(try BitMatrix(rows: [[1, 1, 0], [1, 1, 0]]).eliminationStandardForm())
    }
}
