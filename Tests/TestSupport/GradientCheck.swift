import XCTest

/// Central finite differences against analytic gradients.
///
/// The checked scalar is ℓ = Σ w ⊙ f(x) with fixed random weights w, so the analytic gradient is
/// backward(dy = w). Each input element gets (ℓ(x + ε) − ℓ(x − ε)) / 2ε in Double accumulation; the
/// comparison uses |a − n| ≤ atol + rtol·max(|a|, |n|).
public struct GradientCheck {
    public var eps: Float = 1e-2
    public var atol: Double = 2e-3
    public var rtol: Double = 2e-2
    /// For piecewise-linear functions (ReLU): an element whose one-sided differences at ±ε disagree has a kink
    /// within ε and is not compared; at most this fraction of the elements may be skipped so.
    public var kinkFraction: Double = 0

    public init(eps: Float = 1e-2, atol: Double = 2e-3, rtol: Double = 2e-2, kinkFraction: Double = 0) {
        self.eps = eps; self.atol = atol; self.rtol = rtol; self.kinkFraction = kinkFraction
    }

    public static func random(_ count: Int, seed: inout UInt64, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Float(seed >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
    }

    /// `inputs`: the tensors to check; `forward`: all inputs → output; `backward`: (inputs, dy) → one gradient per input.
    public func check(
        _ name: String, inputs: [[Float]], forward: ([[Float]]) -> [Float],
        backward: ([[Float]], [Float]) -> [[Float]], file: StaticString = #filePath, line: UInt = #line
    ) {
        if let problem = mismatch(inputs: inputs, forward: forward, backward: backward) {
            XCTFail("\(name): \(problem)", file: file, line: line)
        }
    }

    /// The first element whose analytic and numeric gradients disagree, or nil.
    public func mismatch(
        inputs: [[Float]], forward: ([[Float]]) -> [Float], backward: ([[Float]], [Float]) -> [[Float]]
    ) -> String? {
        var seed: UInt64 = 12345
        let y = forward(inputs)
        let w = GradientCheck.random(y.count, seed: &seed)
        let analytic = backward(inputs, w)
        func loss(_ xs: [[Float]]) -> Double { zip(forward(xs), w).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        let base = loss(inputs)
        var skipped = 0, total = 0
        for (t, x) in inputs.enumerated() {
            guard analytic[t].count == x.count else {
                return "gradient \(t) has \(analytic[t].count) values for \(x.count) inputs"
            }
            for i in 0..<x.count {
                var plus = inputs, minus = inputs
                plus[t][i] += eps
                minus[t][i] -= eps
                let up = loss(plus), down = loss(minus)
                let numeric = (up - down) / Double(2 * eps)
                let a = Double(analytic[t][i])
                total += 1
                if kinkFraction > 0 {
                    let right = (up - base) / Double(eps), left = (base - down) / Double(eps)
                    if abs(right - left) > atol + rtol * max(abs(right), abs(left)) { skipped += 1; continue }
                }
                if abs(a - numeric) > atol + rtol * max(abs(a), abs(numeric)) {
                    return "input \(t)[\(i)]: analytic \(a) vs numeric \(numeric)"
                }
            }
        }
        if Double(skipped) > kinkFraction * Double(total) {
            return "\(skipped) of \(total) elements sit on a kink (at most \(kinkFraction) allowed)"
        }
        return nil
    }
}

extension Array where Element == Float {
    /// Run a body with a mutable pointer to a copy, returning the copy.
    public func mutated(_ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        var copy = self
        copy.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
        return copy
    }
}

extension XCTestCase {
    /// The body throws, and the error's text contains every fragment (file, line, field, value).
    public func assertError(
        _ body: @autoclosure () throws -> Any, contains fragments: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            let text = "\(error)"
            for f in fragments { XCTAssertTrue(text.contains(f), "'\(text)' lacks '\(f)'", file: file, line: line) }
        }
    }
}
