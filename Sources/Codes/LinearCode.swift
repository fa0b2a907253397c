import Foundation
import GF2

/// Index roles in a Tanner graph.
public typealias VariableIndex = Int
public typealias CheckIndex = Int

/// A binary linear code given by its parity-check matrix H (m × n), kept exactly as given.
///
/// m may exceed n − k (redundant checks are kept: BP and the ECCT use every row). The generator G
/// (k × n, full rank, G·Hᵀ = 0) is derived from H. Optional algebraic structure (BCH, Polar) lets
/// structure-specific decoders (Berlekamp–Massey, SC/SCL) run on the same code.
public struct LinearCode: Sendable {
    public let name: String
    /// Parity-check matrix, m × n, as given.
    public let H: BitMatrix
    /// Generator matrix, k × n, full row rank.
    public let G: BitMatrix
    public var n: Int { H.columns }
    public var m: Int { H.rows }
    public var k: Int { G.rows }
    public var rate: Double { Double(k) / Double(n) }
    /// Algebraic structure, when the code came from a construction that has one.
    public var structure: CodeStructure
    /// True when H was brought to the standard form [I_m | P] (`standardized()`); every report says which H it used.
    public private(set) var isStandardForm = false
    /// After `standardized()`: column j of H is column `columnPermutation[j]` of the H as given (nil: none moved).
    public private(set) var columnPermutation: [Int]?

    /// A code from its parity-check matrix; G is computed as the null space of H.
    public init(name: String, parityCheck H: BitMatrix, structure: CodeStructure = .none) {
        self.name = name
        self.H = H
        self.G = H.generatorFromParityCheck
        self.structure = structure
    }

    /// A code from both matrices (G must satisfy G·Hᵀ = 0 and have full rank n − rank H).
    public init(name: String, parityCheck H: BitMatrix, generator G: BitMatrix, structure: CodeStructure = .none) {
        precondition(G.columns == H.columns, "LinearCode: G and H have different lengths")
        self.name = name
        self.H = H
        self.G = G
        self.structure = structure
    }

    /// Encode k information bits: c = u·G.
    public func encode(_ u: BitVector) -> BitVector { G.leftMultiply(u) }

    /// Syndrome H·c (m bits); zero iff c is a codeword.
    public func syndrome(_ c: BitVector) -> BitVector { H.multiply(c) }

    public func isCodeword(_ c: BitVector) -> Bool { syndrome(c).isZero }

    /// The Tanner graph of H.
    public var tannerGraph: TannerGraph { TannerGraph(H) }

    /// The same code with H in standard form [I_m | P] as the reference codes' `--standardize` computes it, and
    /// G = [Pᵀ | I_k] (docs/DESIGN.md §2). When columns move, the code is an equivalent one with another bit order: its
    /// algebraic structure (BM, SC) no longer applies and is dropped. Throws unless H has full row rank (m = n − k).
    public func standardized() throws -> LinearCode {
        guard !isStandardForm else { return self }
        guard H.rows == n - k else {
            throw CodeError(
                "\(name): the standard form needs a full-rank H (m = n − k = \(n - k)); this H has \(m) rows of rank \(n - k)"
            )
        }
        let (S, permutation) = try H.eliminationStandardForm()
        let m = S.rows, kk = n - m
        var G = BitMatrix(rows: kk, columns: n)
        for i in 0..<kk {
            for j in 0..<m where S[j, m + i] { G[i, j] = true }
            G[i, m + i] = true
        }
        let moved = permutation != Array(0..<n)
        var code = LinearCode(name: name, parityCheck: S, generator: G, structure: moved ? .none : structure)
        code.isStandardForm = true
        code.columnPermutation = moved ? permutation : nil
        return code
    }

    /// The form of H as checkpoints, datasets and JSON reports record it: "standard" or "as given".
    public var parityCheckFormKey: String { isStandardForm ? "standard" : "as given" }

    /// "H as given" or "H in standard form [I | P]" (with "columns permuted" when any moved), for reports.
    public var parityCheckForm: String {
        isStandardForm
            ? "H in standard form [I | P]" + (columnPermutation == nil ? "" : ", columns permuted") : "H as given"
    }
}

/// Algebraic structure known for a code.
public enum CodeStructure: Sendable, Equatable {
    case none
    /// Primitive narrow-sense BCH of length 2^m − 1 correcting `t` errors; codeword bit i is the
    /// coefficient of x^i; `primitivePolynomial` defines GF(2^m) (bit i = coefficient of x^i).
    case bch(m: Int, t: Int, primitivePolynomial: UInt32)
    /// Polar code: codeword x = u·F^{⊗log2 n} (natural order, F = [[1,0],[1,1]]), u_i = 0 for frozen i.
    case polar(frozen: [Bool])
}

/// Check and variable neighbour lists of a parity-check matrix, with an edge numbering.
///
/// Edges are numbered check by check: the edges of check c are `checkEdgeStart[c] ..< checkEdgeStart[c+1]`,
/// connecting to variables `edgeVariable[e]`. `variableEdges[v]` lists the edges of variable v.
public struct TannerGraph: Sendable {
    public let n: Int
    public let m: Int
    public let checkNeighbors: [[VariableIndex]]
    public let variableNeighbors: [[CheckIndex]]
    public let checkEdgeStart: [Int]
    public let edgeVariable: [VariableIndex]
    /// Flat list of the edge indices of each variable: variable v's edges are
    /// `variableEdgeList[variableEdgeStart[v] ..< variableEdgeStart[v+1]]`.
    public let variableEdgeStart: [Int]
    public let variableEdgeList: [Int]
    public var edgeCount: Int { edgeVariable.count }

    public init(_ H: BitMatrix) {
        n = H.columns
        m = H.rows
        checkNeighbors = (0..<H.rows).map { H.row($0).support }
        var vn = [[CheckIndex]](repeating: [], count: H.columns)
        for (c, vs) in checkNeighbors.enumerated() { for v in vs { vn[v].append(c) } }
        variableNeighbors = vn
        var start = [0]
        var ev: [VariableIndex] = []
        var perVariable = [[Int]](repeating: [], count: H.columns)
        for vs in checkNeighbors {
            for v in vs { perVariable[v].append(ev.count); ev.append(v) }
            start.append(ev.count)
        }
        checkEdgeStart = start
        edgeVariable = ev
        var vStart = [0]
        var vList: [Int] = []
        for list in perVariable { vList += list; vStart.append(vList.count) }
        variableEdgeStart = vStart
        variableEdgeList = vList
    }
}
