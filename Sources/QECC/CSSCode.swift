import GF2

/// Error of the quantum-code layer for bad input: the message names the code, field or value.
public struct QECCError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A CSS stabiliser code on n qubits (docs/DESIGN.md §8).
///
/// H_X (X-type stabilisers, [m_X, n]) sees Z errors, H_Z ([m_Z, n]) sees X errors; H_X·H_Zᵀ = 0.
/// `logicalX` ([k, n]) holds X-type logical operators: a Z-part residual r flips a logical iff `logicalX`·r ≠ 0.
/// `logicalZ` likewise for X-part residuals. The two are paired: `logicalX`·`logicalZ`ᵀ = I_k.
public struct CSSCode: Sendable {
    public let name: String
    public let n: Int
    public let hx: BitMatrix
    public let hz: BitMatrix
    public let logicalX: BitMatrix
    public let logicalZ: BitMatrix
    public var k: Int { logicalX.rows }

    /// A code from its checks and logicals, all verified: H_X·H_Zᵀ = 0, the logicals commute with the other
    /// half's stabilisers and pair up (their product is invertible; it is brought to I).
    /// Without logicals they are computed from the checks.
    public init(name: String, hx: BitMatrix, hz: BitMatrix, logicalX: BitMatrix? = nil, logicalZ: BitMatrix? = nil)
        throws
    {
        guard hx.columns == hz.columns else {
            throw QECCError("\(name): H_X has \(hx.columns) columns and H_Z \(hz.columns)")
        }
        let n = hx.columns
        guard (hx * hz.transposed).isZero else {
            throw QECCError("\(name): H_X·H_Zᵀ ≠ 0 (the stabilisers do not commute)")
        }
        let k = n - hx.rank - hz.rank
        guard k >= 1 else { throw QECCError("\(name): k = n − rank H_X − rank H_Z = \(k); the code encodes no qubit") }
        let lx = try logicalX ?? CSSCode.logicals(checks: hz, stabilisers: hx, k: k)
        let lz = try logicalZ ?? CSSCode.logicals(checks: hx, stabilisers: hz, k: k)
        for (field, l, commuteWith) in [("logicalX", lx, hz), ("logicalZ", lz, hx)] {
            guard l.rows == k, l.columns == n else {
                throw QECCError("\(name): \(field) is \(l.rows)×\(l.columns), expected \(k)×\(n)")
            }
            guard (l * commuteWith.transposed).isZero else {
                throw QECCError("\(name): a row of \(field) anticommutes with a stabiliser")
            }
        }
        // Pair the logicals: M = L_X·L_Zᵀ invertible; replace L_X by M⁻¹·L_X so that L_X·L_Zᵀ = I. An invertible M also
        // proves the logicals independent of the stabilisers: a·L_X in the row space of H_X would give a·M = 0.
        let pairing = lx * lz.transposed
        guard let inverse = try? pairing.inverse() else {
            throw QECCError("\(name): the X and Z logicals do not pair up (L_X·L_Zᵀ is singular)")
        }
        self.name = name
        self.n = n
        self.hx = hx
        self.hz = hz
        self.logicalX = inverse * lx
        self.logicalZ = lz
    }

    /// k vectors of ker(checks) independent of the row space of `stabilisers` (the same-type stabilisers).
    static func logicals(checks: BitMatrix, stabilisers: BitMatrix, k: Int) throws -> BitMatrix {
        let kernel = checks.nullSpace
        var basis = stabilisers.rowBasis
        var chosen: [BitVector] = []
        for r in 0..<kernel.rows where chosen.count < k {
            let candidate = basis.appendingRow(kernel.row(r))
            if candidate.rank > basis.rows { basis = candidate; chosen.append(kernel.row(r)) }
        }
        guard chosen.count == k else { throw QECCError("found \(chosen.count) logicals of \(k)") }
        return BitMatrix(rowVectors: chosen, columns: checks.columns)
    }

    /// Minimum weight of a nontrivial logical operator of each type, by enumerating errors of increasing weight
    /// (small codes only): the smallest w such that some Z error of weight w has zero X syndrome and flips a
    /// logical, and likewise for X errors. Returns nil past `maxWeight`.
    public func distance(maxWeight: Int = 6) -> (x: Int?, z: Int?) {
        (
            CSSCode.minimumLogicalWeight(checks: hz, logicals: logicalZ, maxWeight: maxWeight),
            CSSCode.minimumLogicalWeight(checks: hx, logicals: logicalX, maxWeight: maxWeight)
        )
    }

    /// Smallest weight of e with checks·e = 0 and logicals·e ≠ 0, searched up to `maxWeight`.
    static func minimumLogicalWeight(checks: BitMatrix, logicals: BitMatrix, maxWeight: Int) -> Int? {
        let n = checks.columns
        let checkColumns = (0..<n).map { checks.column($0) }
        let logicalColumns = (0..<n).map { logicals.column($0) }
        var found: Int?
        for w in 1...max(1, min(maxWeight, n)) where found == nil {
            var syndrome = BitVector(count: checks.rows), flips = BitVector(count: logicals.rows)
            func search(start: Int, left: Int) -> Bool {
                if left == 0 { return syndrome.isZero && !flips.isZero }
                guard start <= n - left else { return false }
                for q in start...(n - left) {
                    syndrome ^= checkColumns[q]; flips ^= logicalColumns[q]
                    let hit = search(start: q + 1, left: left - 1)
                    syndrome ^= checkColumns[q]; flips ^= logicalColumns[q]
                    if hit { return true }
                }
                return false
            }
            if search(start: 0, left: w) { found = w }
        }
        return found
    }
}

extension BitMatrix {
    func appendingRow(_ v: BitVector) -> BitMatrix {
        BitMatrix(rowVectors: (0..<rows).map(row) + [v], columns: columns)
    }
}
