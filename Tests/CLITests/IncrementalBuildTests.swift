import Foundation
import XCTest

/// Acceptance 1 of the engine issue, on a copy of examples/shell-demo.
final class IncrementalBuildTests: XCTestCase {
    private var dir = ""
    private let names = ["alpha", "beta", "delta", "epsilon", "gamma"]

    override func setUpWithError() throws {
        dir = try copyOfExample("shell-demo", self)
        let first = try arrakis(["build", "--progress", "plain"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("arrakis: 11 built, 0 up to date"), first.stderr)
        // Siblings built earlier in the same build do not turn the others into "new key"s.
        XCTAssertEqual(first.stderr.components(separatedBy: "(never built)").count - 1, 11, first.stderr)
    }

    func testNoOpAfterBuild() throws {
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.count, 0)
        XCTAssertEqual(plan.tasks.count, 0)
        let human = try arrakis(["build", "--dry-run"], in: dir)
        XCTAssertTrue(human.stdout.contains("nothing to do (11 products up to date)"), human.stdout)
    }

    func testAppendedLinePlansOnlyItsProductsAndTheSummary() throws {
        try append("one more line\n", to: "inputs/beta.txt")
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.products, ["wc[beta]", "long[beta]", "summary"])
        XCTAssertEqual(plan.count, 3)
        XCTAssertEqual(plan.tasks.first { $0.product == "wc[beta]" }?.reason, "input inputs/beta.txt changed")
        try buildAndExpect(built: 3)
        XCTAssertEqual(try dryRunPlan(in: dir).count, 0)
        XCTAssertEqual(try read(dir + "/counts/beta.count").trimmingCharacters(in: .whitespacesAndNewlines), "12")
    }

    func testTouchWithoutChangePlansNothing() throws {
        let path = dir + "/inputs/gamma.txt"
        let later = Date().addingTimeInterval(5)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: path)
        XCTAssertEqual(try dryRunPlan(in: dir).count, 0)
        try buildAndExpect(built: 0)
    }

    func testChangedParameterPlansExactlyItsUsers() throws {
        let plan = try dryRunPlan(in: dir, environment: ["MIN_WORDS": "7"])
        XCTAssertEqual(plan.products, Set(names.map { "long[\($0)]" }))
        XCTAssertTrue(plan.tasks.allSatisfy { $0.reason == "parameter threshold changed (1 -> 7)" }, "\(plan.tasks)")
    }

    func testDeletedOutputPlansOnlyIt() throws {
        try FileManager.default.removeItem(atPath: dir + "/long/delta.flag")
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.products, ["long[delta]"])
        XCTAssertEqual(plan.tasks.first?.reason, "output long/delta.flag missing")
    }

    func testModifiedOutputIsRebuilt() throws {
        try write("tampered\n", to: dir + "/counts/alpha.count")
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.tasks.first { $0.product == "wc[alpha]" }?.reason, "output counts/alpha.count modified")
        // The dry run cannot know the rebuilt output will equal the recorded one, so it
        // plans the dependents too; the build itself stops at wc[alpha] (early cutoff).
        XCTAssertEqual(plan.products, ["wc[alpha]", "long[alpha]", "summary"])
        try buildAndExpect(built: 1)
        XCTAssertEqual(try read(dir + "/counts/alpha.count").trimmingCharacters(in: .whitespacesAndNewlines), "9")
    }

    func testIdenticalRebuiltOutputStopsThere() throws {
        // Same number of words, different text: wc[epsilon] reruns, its output is unchanged,
        // so neither long[epsilon] nor summary runs (early cutoff).
        try write("the other file\nhas a few words in it\n", to: dir + "/inputs/epsilon.txt")
        let plan = try dryRunPlan(in: dir)
        XCTAssertTrue(plan.products.contains("wc[epsilon]"))
        let r = try arrakis(["build", "--progress", "plain"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("arrakis: 1 built (1 with unchanged outputs), 10 up to date"), r.stderr)
        XCTAssertFalse(r.stderr.contains("summary ("), r.stderr)
        XCTAssertEqual(try dryRunPlan(in: dir).count, 0)
    }

    func testNewInputFileAddsOnlyNewProductsAndAggregate() throws {
        try write("a brand new file\n", to: dir + "/inputs/zeta.txt")
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.products, ["wc[zeta]", "long[zeta]", "summary"])
        XCTAssertEqual(plan.tasks.first { $0.product == "wc[zeta]" }?.reason, "new key")
    }

    func testInstanceTargetBuildsOnlyItsClosure() throws {
        try append("x\n", to: "inputs/alpha.txt")
        try append("y\n", to: "inputs/beta.txt")
        let r = try arrakis(["build", "long[alpha]"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("arrakis: 2 built"), r.stderr)
        XCTAssertEqual(try dryRunPlan(in: dir).products, ["wc[beta]", "long[beta]", "summary"])
    }

    func testOutputPathTarget() throws {
        try append("x\n", to: "inputs/alpha.txt")
        let r = try arrakis(["build", "counts/alpha.count"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("arrakis: 1 built"), r.stderr)
    }

    func testExplainNamesTheReason() throws {
        try append("x\n", to: "inputs/alpha.txt")
        let r = try arrakis(["build", "--explain", "long[alpha]"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("long[alpha]: out of date: upstream wc[alpha] will be rebuilt"), r.stdout)
    }

    private func append(_ text: String, to relative: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/" + relative))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    private func buildAndExpect(built: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try arrakis(["build"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.contains("arrakis: \(built) built"), r.stderr, file: file, line: line)
    }
}
