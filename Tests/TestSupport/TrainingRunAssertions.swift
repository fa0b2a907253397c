import Foundation
import Neural
import XCTest

extension XCTestCase {
    /// The run layer's divergence contract for one family: a run whose step diverges (`makeRun(true)`, e.g. lr 1e30)
    /// stops with a `TrainingError` naming the step, the step is not taken (finite weights, not counted), and the
    /// checkpoint a good run (`makeRun(false)`) left at `path` after one step is still on disk, unchanged, and resumes.
    public func assertDivergenceKeepsTheLastCheckpoint<Recipe: TrainingRecipe>(
        path: String, makeRun: (_ diverging: Bool) throws -> TrainingRun<Recipe>,
        resume: (String) throws -> TrainingRun<Recipe>, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let good = try makeRun(false)
        XCTAssertEqual(try good.train(deadline: .distantPast, checkpoint: path), .outOfTime, file: file, line: line)
        let saved = try Data(contentsOf: URL(fileURLWithPath: path))
        let run = try makeRun(true)
        var thrown: Error?
        do { try run.train(checkpoint: path) } catch { thrown = error }
        let error = try XCTUnwrap(thrown as? TrainingError, "\(String(describing: thrown))", file: file, line: line)
        XCTAssertTrue(
            "\(error)".contains("training diverged at step \(error.step)"), "\(error)", file: file, line: line)
        XCTAssertEqual(run.state.step, error.step - 1, "the diverging step was not counted", file: file, line: line)
        XCTAssertTrue(
            run.network.parameters.values.allSatisfy(\.isFinite), "the diverging step was not taken",
            file: file, line: line)
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: path)), saved, "no checkpoint written after the divergence",
            file: file, line: line)
        XCTAssertNoThrow(try resume(path), file: file, line: line)
    }
}
