import GF2

/// The code families: the neural papers' toric code, the rotated surface code and the unrotated planar code.
extension CSSCode {
    /// Most qubits a family code may have. Checks and logicals are dense bit matrices and the code is verified by
    /// elimination (O(n³/64)): 20,000 qubits is 25 MB a matrix and about a second; toric-200 would be 400 MB a matrix
    /// and a minute before the first shot.
    public static let maxQubits = 20_000
    /// Largest lattice size of each family within `maxQubits`: toric 2L² (L ≤ 100), rotated surface d² (d ≤ 141),
    /// planar 2d² − 2d + 1 (d ≤ 100).
    public static let maxToricSize = 100, maxSurfaceDistance = 141, maxPlanarDistance = 100

    /// The toric code of the neural papers (yoniLc/DQEC `Codes.py`, after Krastanov's neural decoder), lattice L,
    /// 2L² qubits, k = 2, distance L. Qubit (r, c), r < 2L, c < L, has index r·L + c; even rows are horizontal edges,
    /// odd rows vertical ones. Stabiliser (i, j) has index i·L + j. The matrices equal the reference's entry for entry:
    /// H_X = `flatZflips2Xstab`, H_Z = `flatXflips2Zstab`, logicalX = `flatZflips2Xerr`, logicalZ = `flatXflips2Zerr`.
    public static func toric(_ L: Int) throws -> CSSCode {
        guard L >= 2, L <= maxToricSize else {
            throw QECCError("toric-\(L): L must be in 2...\(maxToricSize) (2L² ≤ \(maxQubits) qubits)")
        }
        let n = 2 * L * L
        func q(_ r: Int, _ c: Int) -> Int { ((r % (2 * L)) + 2 * L) % (2 * L) * L + ((c % L) + L) % L }
        var hz = BitMatrix(rows: L * L, columns: n), hx = BitMatrix(rows: L * L, columns: n)
        for i in 0..<L {
            for j in 0..<L {
                for (r, c) in [(2 * i, j), (2 * i + 1, j), (2 * i + 2, j), (2 * i + 1, j + 1)] {
                    hz[i * L + j, q(r, c)] = true
                }
                let s = (i + 1) % L * L + (j + 1) % L
                for (r, c) in [(2 * i + 1, j + 1), (2 * i + 2, j), (2 * i + 3, j + 1), (2 * i + 2, j + 1)] {
                    hx[s, q(r, c)] = true
                }
            }
        }
        var lx = BitMatrix(rows: 2, columns: n), lz = BitMatrix(rows: 2, columns: n)
        for k in 0..<L {
            lz[0, q(2 * k + 1, 0)] = true; lz[1, q(0, k)] = true
            lx[0, q(1, k)] = true; lx[1, q(2 * k, 0)] = true
        }
        return try CSSCode(name: "toric-\(L)", hx: hx, hz: hz, logicalX: lx, logicalZ: lz)
    }

    /// The rotated surface code of distance d (odd, ≥ 3): d² data qubits (r, c) with index r·d + c, d² − 1 checks.
    /// Plaquette (i, j), 0 ≤ i, j ≤ d, covers the data qubits (i−1…i, j−1…j) that exist; it is X-type when i + j is
    /// even. Bulk plaquettes all exist; weight-2 X plaquettes lie on the top and bottom edges, Z ones on the left and
    /// right. logicalX is the left column's X string, logicalZ the top row's Z string.
    public static func rotatedSurface(_ d: Int) throws -> CSSCode {
        guard d >= 3, d % 2 == 1, d <= maxSurfaceDistance else {
            throw QECCError("surface-\(d): d must be odd and in 3...\(maxSurfaceDistance) (d² ≤ \(maxQubits) qubits)")
        }
        var xRows: [[Int]] = [], zRows: [[Int]] = []
        for i in 0...d {
            for j in 0...d {
                let isX = (i + j) % 2 == 0
                let bulk = i > 0 && i < d && j > 0 && j < d
                let edge = (i == 0 || i == d) && j > 0 && j < d && isX || (j == 0 || j == d) && i > 0 && i < d && !isX
                guard bulk || edge else { continue }
                var support: [Int] = []
                for r in (i - 1)...i where r >= 0 && r < d {
                    for c in (j - 1)...j where c >= 0 && c < d { support.append(r * d + c) }
                }
                if isX { xRows.append(support) } else { zRows.append(support) }
            }
        }
        let n = d * d
        let lx = rows([(0..<d).map { $0 * d }], n)  // X down the left column: commutes with the Z checks
        let lz = rows([(0..<d).map { $0 }], n)  // Z along the top row: commutes with the X checks
        return try CSSCode(name: "surface-\(d)", hx: rows(xRows, n), hz: rows(zRows, n), logicalX: lx, logicalZ: lz)
    }

    /// The unrotated planar code of distance d ≥ 2: 2d² − 2d + 1 qubits on the sites (r, c) of a (2d−1)² grid with
    /// r + c even (index in row-major order of those sites). X checks at (even r, odd c), Z checks at (odd r, even c),
    /// each on its up-to-four neighbouring qubits; rough boundaries left and right (X checks of weight 3).
    public static func planar(_ d: Int) throws -> CSSCode {
        guard d >= 2, d <= maxPlanarDistance else {
            throw QECCError("planar-\(d): d must be in 2...\(maxPlanarDistance) (2d² − 2d + 1 ≤ \(maxQubits) qubits)")
        }
        let side = 2 * d - 1
        var index = [Int](repeating: -1, count: side * side)
        var n = 0
        for r in 0..<side { for c in 0..<side where (r + c) % 2 == 0 { index[r * side + c] = n; n += 1 } }
        func neighbours(_ r: Int, _ c: Int) -> [Int] {
            [(r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)].compactMap { (a, b) in
                a >= 0 && a < side && b >= 0 && b < side ? index[a * side + b] : nil
            }
        }
        var xRows: [[Int]] = [], zRows: [[Int]] = []
        for r in 0..<side {
            for c in 0..<side where (r + c) % 2 == 1 {
                if r % 2 == 0 { xRows.append(neighbours(r, c)) } else { zRows.append(neighbours(r, c)) }
            }
        }
        // X logical down column 0 (meets each Z check in 0 or 2 qubits), Z logical along row 0.
        let lx = rows([(0..<d).map { index[2 * $0 * side] }], n)
        let lz = rows([(0..<d).map { index[2 * $0] }], n)
        return try CSSCode(name: "planar-\(d)", hx: rows(xRows, n), hz: rows(zRows, n), logicalX: lx, logicalZ: lz)
    }

    static func rows(_ supports: [[Int]], _ n: Int) -> BitMatrix {
        var m = BitMatrix(rows: supports.count, columns: n)
        for (r, s) in supports.enumerated() { for q in s { m[r, q] = true } }
        return m
    }
}
