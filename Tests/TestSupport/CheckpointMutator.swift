import Foundation
import Neural
import XCTest

/// Corrupted copies of a safetensors checkpoint for fuzz tests: one field of the JSON run metadata (`training`,
/// `state`) or a top-level metadata entry (`adam_step`, …) set to a hostile value (negative, huge, Int.max, zero,
/// fractional, a string, an array, null), or the header's bytes mutated.
public struct CheckpointMutator {
    var mutator: Mutator
    let original: [UInt8]
    let headerEnd: Int
    let header: [String: Any]

    nonisolated(unsafe) public static let hostileValues: [Any] = [
        -1, 0, 1, -9_223_372_036_854_775_807, 9_223_372_036_854_775_807, 1e300, 1e-300, 65_537, 4096, 2.5, "x", [1, 2],
        NSNull(), [String: Int](),
    ]

    public init(file: String, seed: UInt64) throws {
        original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        var length = 0
        for i in 0..<8 { length |= Int(original[i]) << (8 * i) }
        headerEnd = 8 + length
        header = try JSONSerialization.jsonObject(with: Data(original[8..<headerEnd])) as! [String: Any]
        mutator = Mutator(seed: seed)
    }

    /// The next mutant's bytes and what was changed.
    public mutating func next() -> (bytes: [UInt8], change: String) {
        if mutator.below(5) == 0 {
            return (mutator.mutate(Array(original[0..<headerEnd])) + original[headerEnd...], "header bytes mutated")
        }
        var h = header
        var metadata = h["__metadata__"] as? [String: String] ?? [:]
        let value = Self.hostileValues[mutator.below(Self.hostileValues.count)]
        let change: String
        let jsonKeys = metadata.keys.filter { ["training", "state"].contains($0) }.sorted()
        if !jsonKeys.isEmpty && mutator.below(4) != 0 {
            let key = jsonKeys[mutator.below(jsonKeys.count)]
            var object =
                (try? JSONSerialization.jsonObject(with: Data(metadata[key]!.utf8))) as? [String: Any] ?? [:]
            let fields = object.keys.sorted()
            let field = fields.isEmpty ? "step" : fields[mutator.below(fields.count)]
            object[field] = value
            metadata[key] = String(
                decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(),
                as: UTF8.self)
            change = "\(key).\(field) = \(value)"
        } else {
            let keys = metadata.keys.sorted()
            let key = keys[mutator.below(keys.count)]
            metadata[key] = "\(value)"
            change = "metadata \(key) = \(value)"
        }
        h["__metadata__"] = metadata
        var json = [UInt8]((try? JSONSerialization.data(withJSONObject: h, options: [.sortedKeys])) ?? Data())
        while json.count % 8 != 0 { json.append(0x20) }
        var bytes: [UInt8] = (0..<8).map { UInt8((json.count >> (8 * $0)) & 0xFF) }
        bytes += json
        bytes += original[headerEnd...]
        return (bytes, change)
    }
}

/// Resumes corrupted copies of the checkpoint at `path` (`cases` of them, seeded): each is refused with an error whose
/// message names the corrupted file, or resumes into a run that takes a step with finite weights. A crash or a hang
/// ends the test process, which fails the run. Returns how many were refused and how many resumed.
public func fuzzResume<Recipe: TrainingRecipe>(
    checkpoint path: String, seed: UInt64, cases: Int, file: StaticString = #filePath, line: UInt = #line,
    resume: (String) throws -> TrainingRun<Recipe>
) throws -> (refused: Int, resumed: Int) {
    var mutator = try CheckpointMutator(file: path, seed: seed)
    let mutant = TemporaryFolder.path("mutant-\(seed).safetensors", group: "checkpoint-fuzz")
    var refused = 0, resumed = 0
    for _ in 0..<cases {
        let (bytes, change) = mutator.next()
        try Data(bytes).write(to: URL(fileURLWithPath: mutant))
        do {
            let run = try resume(mutant)
            // the run continues: a step or two (the deadline ends it), with finite weights
            try run.train(deadline: Date().addingTimeInterval(0.01))
            XCTAssertTrue(run.network.parameters.values.allSatisfy(\.isFinite), change, file: file, line: line)
            resumed += 1
        } catch {
            XCTAssertTrue("\(error)".contains(mutant), "\(change): \(error)", file: file, line: line)
            refused += 1
        }
    }
    print("checkpoint fuzz of \(URL(fileURLWithPath: path).lastPathComponent): \(refused) refused, \(resumed) resumed")
    return (refused, resumed)
}

/// Trains `run` to its end (a fuzz case's one or two steps) and asserts that its weights stay finite.
public func trainToFiniteWeights<Recipe: TrainingRecipe>(
    _ run: TrainingRun<Recipe>, _ label: String, file: StaticString = #filePath, line: UInt = #line
) throws {
    try run.train()
    XCTAssertTrue(run.network.parameters.values.allSatisfy(\.isFinite), label, file: file, line: line)
}
