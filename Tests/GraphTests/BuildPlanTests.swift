import Foundation
@testable import Graph
import XCTest

/// `BuildPlan` on its own: a graph of five instances, moved through their states by hand.
///
///     a[1] (0) <- b[1] (2) <-+
///     a[2] (1) <- b[2] (3) <-+- c (4)
final class BuildPlanTests: XCTestCase {
    var graph: BuildGraph!
    let a1 = 0, a2 = 1, b1 = 2, b2 = 3, c = 4
    let d = Digest("outputs")

    override func setUpWithError() throws {
        graph = BuildGraph()
        try graph.add(family: "a", variables: ["i"], tasks: [testTask("a", ["1"], writes: ["a1"]), testTask("a", ["2"], writes: ["a2"])])
        try graph.add(family: "b", variables: ["i"], tasks: [testTask("b", ["1"], upstream: [a1], writes: ["b1"]),
                                                            testTask("b", ["2"], upstream: [a2], writes: ["b2"])])
        try graph.add(family: "c", variables: [], tasks: [testTask("c", upstream: [b1, b2], writes: ["c"])])
    }

    func plan(dryRun: Bool = false, keepGoing: Bool = false) -> BuildPlan {
        var p = BuildPlan(graph: graph, dryRun: dryRun, keepGoing: keepGoing)
        p.grow()
        return p
    }

    func testGrowAddsUnneededInstances() throws {
        var p = BuildPlan(graph: graph, dryRun: false, keepGoing: false)
        XCTAssertEqual(p.state.count, 0)
        p.grow()
        XCTAssertEqual(p.state, Array(repeating: .unneeded, count: 5))
        XCTAssertEqual(p.familyPending("c"), 0)
        XCTAssertNil(p.familyPending("d"), "not expanded")
        try graph.add(family: "d", variables: [], tasks: [testTask("d", writes: ["d"])])
        p.grow()
        XCTAssertEqual(p.state.count, 6)
        XCTAssertEqual(p.familyPending("d"), 0)
    }

    func testMarkNeededMarksWhatItReadsAndQueuesTheLeaves() {
        var p = plan()
        p.markNeeded(b1)
        XCTAssertEqual(p.counts.needed, 2)
        XCTAssertEqual(p.state, [.waiting, .unneeded, .waiting, .unneeded, .unneeded])
        XCTAssertEqual(p.familyPending("a"), 1)
        XCTAssertEqual(p.familyPending("b"), 1)
        XCTAssertEqual(p.familyPending("c"), 0)
        XCTAssertTrue(p.hasInstancesToJudge)
        XCTAssertEqual(p.takeInstancesToJudge(), [a1])
        XCTAssertFalse(p.hasInstancesToJudge)
        // Marking it again changes nothing.
        p.markNeeded(b1)
        XCTAssertEqual(p.counts.needed, 2)
        XCTAssertFalse(p.hasInstancesToJudge)
    }

    func testResolvingTheLastUpstreamQueuesTheDependent() {
        var p = plan()
        p.markNeeded(c)
        XCTAssertEqual(p.counts.needed, 5)
        XCTAssertEqual(p.takeInstancesToJudge(), [a2, a1])
        p.upToDate(a1, d)
        XCTAssertEqual(p.outputDigest[a1], d)
        p.upToDate(a2, d)
        XCTAssertEqual(p.takeInstancesToJudge(), [b1, b2])
        p.upToDate(b1, d)
        XCTAssertFalse(p.hasInstancesToJudge, "c still waits for b[2]")
        XCTAssertEqual(p.familyPending("b"), 1)
        p.upToDate(b2, d)
        XCTAssertEqual(p.takeInstancesToJudge(), [c])
        XCTAssertEqual(p.counts.upToDate, 4)
        XCTAssertEqual(p.familyPending("a"), 0)
    }

    func testQueuedInstancesAreHandedOutInOrderAndReportBack() {
        var p = plan()
        p.markNeeded(a1)
        p.markNeeded(a2)
        _ = p.takeInstancesToJudge()
        p.queue(a1, .noTrace)
        p.queue(a2, .newKey)
        XCTAssertEqual(p.counts.toRun, 2)
        XCTAssertEqual(p.queuedCount, 2)
        XCTAssertFalse(p.isFinished)
        let first = p.takeReady()
        XCTAssertEqual(first?.id, a1)
        XCTAssertEqual(first?.reason, .noTrace)
        XCTAssertEqual(p.state[a1], .running(.noTrace))
        XCTAssertTrue(p.isRunning(a1))
        XCTAssertFalse(p.isRunning(a2))
        XCTAssertEqual(p.running, 1)
        XCTAssertEqual(p.takeReady()?.id, a2)
        XCTAssertNil(p.takeReady())
        XCTAssertEqual(p.queuedCount, 0)
        p.built(a1, changed: true, digest: d)
        p.built(a2, changed: false, digest: d)
        XCTAssertEqual(p.state[a1], .built(changed: true))
        XCTAssertEqual(p.counts.built, 2)
        XCTAssertEqual(p.counts.unchangedAfterBuild, 1)
        XCTAssertEqual(p.running, 0)
        XCTAssertTrue(p.isFinished)
    }

    func testFailureSkipsEveryDependentTransitively() {
        var p = plan()
        p.markNeeded(c)
        _ = p.takeInstancesToJudge()
        p.upToDate(a2, d)
        p.fail(a1, "boom", .taskFailed)
        XCTAssertEqual(p.state[b1], .skipped("upstream a[1] failed"))
        XCTAssertEqual(p.state[c], .skipped("upstream a[1] failed"))
        XCTAssertEqual(p.state[b2], .waiting, "not downstream of a[1]")
        XCTAssertEqual(p.counts.failed, 1)
        XCTAssertEqual(p.counts.skipped, 2)
        XCTAssertEqual(p.problems, [Problem(key: "a[1]", kind: .taskFailed, message: "boom")])
        XCTAssertEqual(p.familyPending("a"), 0)
        XCTAssertEqual(p.familyPending("b"), 1)
        XCTAssertEqual(p.familyPending("c"), 0)
        XCTAssertTrue(p.isFamilyFailed("a"))
        XCTAssertTrue(p.isFamilyFailed("c"), "skipped counts as failed for a fan-out over it")
        XCTAssertFalse(p.stopped, "fail alone does not stop: the caller decides")
    }

    func testMarkingAProductThatReadsAFailedOneSkipsIt() {
        var p = plan()
        p.markNeeded(a1)
        _ = p.takeInstancesToJudge()
        p.fail(a1, "boom", .evaluationFailed)
        p.markNeeded(b1)
        XCTAssertEqual(p.state[b1], .skipped("upstream a[1] failed"))
        XCTAssertEqual(p.counts.needed, 2)
        XCTAssertEqual(p.counts.skipped, 1)
        XCTAssertFalse(p.hasInstancesToJudge)
        XCTAssertEqual(p.familyPending("b"), 0)
    }

    func testRunFailureStopsUnlessKeepingGoing() {
        for keepGoing in [false, true] {
            var p = plan(keepGoing: keepGoing)
            p.markNeeded(a1)
            p.markNeeded(a2)
            _ = p.takeInstancesToJudge()
            p.queue(a1, .noTrace)
            p.queue(a2, .noTrace)
            _ = p.takeReady()
            p.runFailed(a1, "boom", .taskFailed)
            XCTAssertEqual(p.running, 0)
            XCTAssertEqual(p.stopped, !keepGoing)
            XCTAssertEqual(p.takeReady()?.id, keepGoing ? a2 : nil)
            XCTAssertEqual(p.queuedCount, keepGoing ? 0 : 1)
            XCTAssertTrue(p.isFinished == !keepGoing, "keepGoing \(keepGoing)")
        }
    }

    func testStopHandsOutNothingMore() {
        var p = plan(keepGoing: true)
        p.markNeeded(a1)
        _ = p.takeInstancesToJudge()
        p.queue(a1, .noTrace)
        p.stop()
        XCTAssertNil(p.takeReady())
        XCTAssertTrue(p.isFinished)
        XCTAssertEqual(p.state[a1], .ready(.noTrace))
    }

    func testExpansionFailuresCountOnlyWhenTheirOwn() {
        var p = plan()
        p.noteUnexpanded("product 'x' not expanded: a failed")
        XCTAssertEqual(p.counts.failed, 0)
        XCTAssertFalse(p.stopped)
        p.failExpansion("product 'y': bad manifest")
        XCTAssertEqual(p.counts.failed, 1)
        XCTAssertTrue(p.stopped)
        XCTAssertEqual(p.problems, [Problem(key: nil, kind: .expansionFailed, message: "product 'x' not expanded: a failed"),
                                    Problem(key: nil, kind: .expansionFailed, message: "product 'y': bad manifest")])
        var going = plan(keepGoing: true)
        going.failExpansion("product 'y': bad manifest")
        XCTAssertFalse(going.stopped)
    }

    func testDryRunWouldRunResolvesWithoutDigest() {
        var p = plan(dryRun: true)
        p.markNeeded(b1)
        _ = p.takeInstancesToJudge()
        XCTAssertFalse(p.familyWouldRun("a"))
        p.wouldRun(a1, .noTrace)
        XCTAssertTrue(p.familyWouldRun("a"))
        XCTAssertEqual(p.state[a1], .wouldRun(.noTrace))
        XCTAssertEqual(p.outputDigest[a1], .zero)
        XCTAssertEqual(p.counts.wouldRun, 1)
        XCTAssertEqual(p.takeInstancesToJudge(), [b1], "a product that would run resolves its dependents")
        p.noteRecheckedAfterUpstream()
        XCTAssertEqual(p.recheckedAfterUpstream, 1)
    }
}
