/// GF(2^m) for 2 ≤ m ≤ 16 with log / antilog tables over a primitive polynomial.
///
/// Elements are integers whose bit i is the coefficient of α^i in the polynomial basis.
public struct GaloisField: Sendable {
    public let m: Int
    /// Multiplicative order 2^m − 1.
    public let order: Int
    /// Primitive polynomial, bit i = coefficient of x^i (bit m set).
    public let primitivePolynomial: UInt32
    /// exp[i] = α^i for i in 0 ..< 2·order (doubled to skip a modulo).
    public let exp: [UInt16]
    /// log[x] = i with α^i = x, for x ≠ 0.
    public let log: [Int]

    /// The lowest-weight primitive polynomials used by the usual BCH tables (Lin & Costello, App. B).
    public static let defaultPrimitivePolynomials: [Int: UInt32] = [
        2: 0b111, 3: 0b1011, 4: 0b10011, 5: 0b100101, 6: 0b1000011, 7: 0b10001001,
        8: 0b100011101, 9: 0b10_00010001, 10: 0b100_00001001, 11: 0b1000_00000101,
        12: 0b10000_01010011, 13: 0b100000_00011011, 14: 0b1000100_01000011,
        15: 0b10000000_00000011, 16: 0b1_00010000_00001011,
    ]

    public init(m: Int, primitivePolynomial: UInt32? = nil) {
        precondition((2...16).contains(m), "GaloisField: m = \(m) outside 2...16")
        let poly = primitivePolynomial ?? GaloisField.defaultPrimitivePolynomials[m]!
        self.m = m
        self.order = (1 << m) - 1
        self.primitivePolynomial = poly
        var exp = [UInt16](repeating: 0, count: 2 * order)
        var log = [Int](repeating: -1, count: order + 1)
        var x: UInt32 = 1
        for i in 0..<order {
            exp[i] = UInt16(x)
            precondition(log[Int(x)] == -1, "GaloisField: polynomial \(poly) is not primitive")
            log[Int(x)] = i
            x <<= 1
            if x & (1 << UInt32(m)) != 0 { x ^= poly }
        }
        for i in order..<(2 * order) { exp[i] = exp[i - order] }
        self.exp = exp
        self.log = log
    }

    @inlinable public func multiply(_ a: Int, _ b: Int) -> Int {
        a == 0 || b == 0 ? 0 : Int(exp[log[a] + log[b]])
    }

    @inlinable public func inverse(_ a: Int) -> Int {
        precondition(a != 0, "GaloisField: inverse of 0")
        return Int(exp[(order - log[a]) % order])
    }

    /// α^i for any integer i.
    @inlinable public func power(_ i: Int) -> Int { Int(exp[((i % order) + order) % order]) }

    /// Cyclotomic coset of i modulo 2^m − 1: {i, 2i, 4i, ...}.
    public func cyclotomicCoset(_ i: Int) -> [Int] {
        var coset: [Int] = []
        var j = i % order
        repeat { coset.append(j); j = (2 * j) % order } while j != i % order
        return coset
    }

    /// Minimal polynomial of α^i over GF(2): ∏_{j in coset(i)} (x − α^j), as a bit mask (bit d = x^d).
    public func minimalPolynomial(_ i: Int) -> [UInt8] {
        var poly: [Int] = [1]  // coefficients in GF(2^m), poly[d] = coefficient of x^d
        for j in cyclotomicCoset(i) {
            let root = power(j)
            var next = [Int](repeating: 0, count: poly.count + 1)
            for (d, c) in poly.enumerated() {
                next[d + 1] ^= c
                next[d] ^= multiply(c, root)
            }
            poly = next
        }
        return poly.map { c in
            precondition(c <= 1, "minimal polynomial left GF(2)"); return UInt8(c)
        }
    }
}

/// Polynomials over GF(2) as coefficient arrays (index d = coefficient of x^d).
enum BinaryPolynomial {
    static func multiply(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: a.count + b.count - 1)
        for (i, x) in a.enumerated() where x != 0 { for (j, y) in b.enumerated() where y != 0 { out[i + j] ^= 1 } }
        return out
    }

    /// Quotient of a by b (exact division expected by callers).
    static func divide(_ a: [UInt8], by b: [UInt8]) -> (quotient: [UInt8], remainder: [UInt8]) {
        var r = a
        let db = b.lastIndex(of: 1)!
        guard let da = r.lastIndex(of: 1), da >= db else { return ([0], a) }
        var q = [UInt8](repeating: 0, count: da - db + 1)
        for d in stride(from: da, through: db, by: -1) where r[d] == 1 {
            q[d - db] = 1
            for (j, c) in b.enumerated() where c == 1 { r[d - db + j] ^= 1 }
        }
        return (q, Array(r.prefix(db)))
    }
}
