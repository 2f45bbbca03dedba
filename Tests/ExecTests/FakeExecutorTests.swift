import Foundation
import XCTest
@testable import Exec
@testable import Graph

/// What the recorder makes of results, through an executor that runs nothing.
final class FakeExecutorTests: XCTestCase {
    func testRetriesThenKeepGoingWithTypedProblems() throws {
        let f = try ExecutorFixture()
        var flaky = f.shell("step", "flaky", "")
        flaky.resources.retries = 1
        let down = f.shell("down", nil, "")
        let families: [FamilySource] = [
            f.family("step", [flaky, f.shell("step", "bad", "")]),
            ExecutorFixture.Family(name: "down", inputFamilies: ["step"]) { graph in
                var s = down
                s.productInputs = [graph.instance(forKey: ProductKey(family: "step", values: ["bad"]))!]
                return [s]
            },
        ]
        let executor = FakeExecutor { key, attempt in
            key == "step[bad]" || (key == "step[flaky]" && attempt == 1) ? .fail("no \(key)") : .write(key)
        }
        let report = try executor.run(try f.engine(families, keepGoing: true))
        XCTAssertEqual(executor.attempts.map(\.key), ["step[flaky]", "step[bad]", "step[flaky]"])
        XCTAssertEqual(report.executor, "fake")
        XCTAssertEqual(report.counts.built, 1)
        XCTAssertEqual(report.counts.skipped, 1)
        XCTAssertEqual(report.problems, [Problem(key: "step[bad]", kind: .taskFailed, message: "no step[bad]")])
        XCTAssertEqual(f.read("flaky.txt"), "step[flaky]")
    }

    func testAProductThatCannotBeJudgedIsAnnouncedAtTheEnd() throws {
        let f = try ExecutorFixture()
        var reads = f.shell("reads", nil, "")
        reads.fileInputs = [f.directory + "/missing.txt"]
        let report = try FakeExecutor { key, _ in .write(key) }.run(try f.engine([f.family("reads", [reads])], keepGoing: true))
        XCTAssertEqual(report.problems.map(\.kind), [.evaluationFailed])
        XCTAssertEqual(report.problems.map(\.key), ["reads"])
        XCTAssertEqual(report.unannounced.count, 1)
    }
}
