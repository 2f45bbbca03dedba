import Foundation
import Graph
import XCTest

/// Whole builds driven in-process through `BuildEngine`: `after` (order-only) inputs, and
/// what a failure does with and without keep-going.
final class EngineScenarioTests: XCTestCase {
    var box: Sandbox!

    override func setUpWithError() throws {
        box = try Sandbox()
        try box.write("in/p.txt", "p\n")
        try box.write("in/u.txt", "u\n")
    }

    // MARK: - after (order-only)

    /// `prep` copies `in/p.txt`; `use` reads `reads` and comes after `prep` (order only,
    /// unless `orderOnly` is false, when `prep`'s output is an ordinary input).
    func afterFamilies(reads: [String] = ["in/u.txt"], orderOnly: Bool = true) -> [any FamilySource] {
        let prep = CodeFamily(name: "prep") { _ in [testTask("prep", reads: ["in/p.txt"], writes: ["out/prep.txt"])] }
        let use = CodeFamily(name: "use", inputFamilies: ["prep"]) { g in
            let p = g.instances(of: "prep").lowerBound
            var t = testTask("use", reads: reads, upstream: [p], writes: ["out/use.txt"])
            if orderOnly { t.orderOnly = [p] }
            return [t]
        }
        return [use, prep]
    }

    func testAfterUpstreamIsBuiltFirst() throws {
        let engine = try makeEngine(afterFamilies())
        try engine.start()
        let first = engine.takeJobs()
        XCTAssertEqual(first.map(\.key), ["prep"])
        XCTAssertEqual(engine.state(of: "use"), .waiting)
        try runJob(engine, first[0])
        XCTAssertEqual(engine.takeJobs().map(\.key), ["use"])
    }

    func testAfterUpstreamOutputIsNotInTheFingerprint() throws {
        try runToCompletion(try makeEngine(afterFamilies()))
        try box.write("in/p.txt", "p changed\n")
        let engine = try makeEngine(afterFamilies())
        XCTAssertEqual(try runToCompletion(engine), ["prep"])
        XCTAssertEqual(engine.state(of: "use"), .upToDate)
        XCTAssertEqual(engine.counts.built, 1)
        XCTAssertEqual(engine.counts.upToDate, 1)
    }

    func testOrdinaryUpstreamOutputIsInTheFingerprint() throws {
        try runToCompletion(try makeEngine(afterFamilies(orderOnly: false)))
        try box.write("in/p.txt", "p changed\n")
        XCTAssertEqual(try runToCompletion(try makeEngine(afterFamilies(orderOnly: false))), ["prep", "use"])
    }

    func testDryRunJudgesAfterDependentsAsTheyAreNow() throws {
        try runToCompletion(try makeEngine(afterFamilies()))
        try box.write("in/p.txt", "p changed\n")
        let dry = try makeEngine(afterFamilies(), dryRun: true)
        try dry.start()
        XCTAssertEqual(dry.plannedJobs().map(\.key), ["prep"])
        XCTAssertEqual(dry.plannedJobs().map(\.reason), [.inputChanged("in/p.txt")])
        XCTAssertEqual(dry.recheckedAfterUpstream, 1)
        XCTAssertEqual(dry.state(of: "use"), .upToDate)
    }

    func testDryRunAfterDependentThatIsOutOfDateKeepsItsOwnReason() throws {
        try runToCompletion(try makeEngine(afterFamilies()))
        try box.write("in/p.txt", "p changed\n")
        try box.write("in/u.txt", "u changed\n")
        let dry = try makeEngine(afterFamilies(), dryRun: true)
        try dry.start()
        XCTAssertEqual(dry.plannedJobs().map(\.key), ["prep", "use"])
        XCTAssertEqual(dry.plannedJobs().map(\.reason), [.inputChanged("in/p.txt"), .inputChanged("in/u.txt")])
        XCTAssertEqual(dry.recheckedAfterUpstream, 0)
    }

    func testDryRunAfterDependentReadingWhatTheUpstreamWillWrite() throws {
        // Nothing built yet: use's input out/prep.txt does not exist, and prep would write it.
        let dry = try makeEngine(afterFamilies(reads: ["in/u.txt", "out/prep.txt"]), dryRun: true)
        try dry.start()
        XCTAssertEqual(dry.plannedJobs().map(\.key), ["prep", "use"])
        XCTAssertEqual(dry.plannedJobs().map(\.reason), [.noTrace, .upstreamWillRebuild("prep")])
        XCTAssertEqual(dry.recheckedAfterUpstream, 0)
        XCTAssertEqual(dry.problems, [], "a missing input an `after` upstream will write is no problem")
    }

    func testDryRunOrdinaryDependentOfARebuiltUpstreamWillRebuild() throws {
        try runToCompletion(try makeEngine(afterFamilies(orderOnly: false)))
        try box.write("in/p.txt", "p changed\n")
        let dry = try makeEngine(afterFamilies(orderOnly: false), dryRun: true)
        try dry.start()
        XCTAssertEqual(dry.plannedJobs().map(\.reason), [.inputChanged("in/p.txt"), .upstreamWillRebuild("prep")])
        XCTAssertEqual(dry.recheckedAfterUpstream, 0)
    }

    // MARK: - Failures and keep-going

    /// `a[1]`, `a[2]` read nothing; `b[i]` reads `a[i]`.
    func chains() -> [any FamilySource] {
        let a = CodeFamily(name: "a", variables: ["i"]) { _ in
            ["1", "2"].map { testTask("a", [$0], writes: ["out/a\($0).txt"]) }
        }
        let b = CodeFamily(name: "b", variables: ["i"], inputFamilies: ["a"]) { g in
            g.instances(of: "a").enumerated().map { n, id in
                testTask("b", ["\(n + 1)"], upstream: [id], writes: ["out/b\(n + 1).txt"])
            }
        }
        return [a, b]
    }

    func testFailureWithoutKeepGoingStopsHandingOutJobs() throws {
        let engine = try makeEngine(chains())
        try engine.start()
        XCTAssertEqual(engine.queuedCount, 2)
        let job = engine.takeJobs(limit: 1)
        XCTAssertEqual(job.map(\.key), ["a[1]"])
        XCTAssertEqual(engine.running, 1)
        try runJob(engine, job[0], failing: ["a[1]"])
        XCTAssertTrue(engine.stopped)
        XCTAssertEqual(engine.takeJobs().map(\.key), [])
        XCTAssertTrue(engine.isFinished)
        XCTAssertEqual(engine.running, 0)
        XCTAssertEqual(engine.queuedCount, 1, "a[2] was queued and never handed out")
        XCTAssertEqual(engine.state(of: "a[2]"), .ready(.noTrace))
        XCTAssertEqual(engine.state(of: "b[1]"), .skipped("upstream a[1] failed"))
        XCTAssertEqual(engine.problems, [Problem(key: "a[1]", kind: .taskFailed, message: "boom")])
        XCTAssertEqual(engine.errors, ["a[1]: boom"])
        XCTAssertEqual(engine.counts.failed, 1)
        XCTAssertEqual(engine.counts.skipped, 1)
        XCTAssertEqual(engine.counts.built, 0)
    }

    func testKeepGoingRunsIndependentProductsAndSkipsDependents() throws {
        let engine = try makeEngine(chains(), keepGoing: true)
        let ran = try runToCompletion(engine, failing: ["a[1]"])
        XCTAssertEqual(ran, ["a[1]", "a[2]", "b[2]"])
        XCTAssertFalse(engine.stopped)
        XCTAssertEqual(engine.state(of: "b[1]"), .skipped("upstream a[1] failed"))
        XCTAssertEqual(engine.state(of: "b[2]"), .built(changed: true))
        XCTAssertEqual(engine.problems.map(\.kind), [.taskFailed])
        XCTAssertEqual(engine.problems.map(\.key), ["a[1]"])
        XCTAssertEqual(engine.counts.built, 2)
        XCTAssertEqual(engine.counts.failed, 1)
        XCTAssertEqual(engine.counts.skipped, 1)
        XCTAssertNil(box.read("out/b1.txt"))
    }

    func testFailureKindFromTheExecutorIsKept() throws {
        let engine = try makeEngine(chains(), keepGoing: true)
        try engine.start()
        let jobs = engine.takeJobs()
        try engine.failed(jobs[0].id, message: "stopped", kind: .interrupted)
        XCTAssertEqual(engine.problems, [Problem(key: "a[1]", kind: .interrupted, message: "stopped")])
        // Reported twice: the second report is ignored.
        try engine.failed(jobs[0].id, message: "again")
        XCTAssertEqual(engine.problems.count, 1)
    }

    func testMissingInputIsAnEvaluationFailureThatStopsTheBuild() throws {
        let r = CodeFamily(name: "r") { _ in [testTask("r", reads: ["in/missing.txt"], writes: ["out/r.txt"])] }
        let engine = try makeEngine(chains() + [r])
        try engine.start()
        XCTAssertEqual(engine.problems.map(\.kind), [.evaluationFailed])
        XCTAssertEqual(engine.problems.map(\.key), ["r"])
        XCTAssertTrue(engine.problems[0].message.contains("in/missing.txt"), engine.problems[0].message)
        XCTAssertTrue(engine.stopped)
        XCTAssertEqual(engine.takeJobs().map(\.key), [])
        XCTAssertEqual(engine.counts.toRun, 2)
    }

    func testMissingInputInADryRunDoesNotStopIt() throws {
        let r = CodeFamily(name: "r") { _ in [testTask("r", reads: ["in/missing.txt"], writes: ["out/r.txt"])] }
        let dry = try makeEngine(chains() + [r], dryRun: true)
        try dry.start()
        XCTAssertFalse(dry.stopped)
        XCTAssertEqual(dry.problems.map(\.kind), [.evaluationFailed])
        XCTAssertEqual(dry.plannedJobs().map(\.key), ["a[1]", "a[2]", "b[1]", "b[2]"])
        XCTAssertEqual(dry.plannedJobs().map(\.reason), [.noTrace, .noTrace, .upstreamWillRebuild("a[1]"), .upstreamWillRebuild("a[2]")])
    }

    func testStopLetsRunningJobsReport() throws {
        let engine = try makeEngine(chains())
        try engine.start()
        let job = engine.takeJobs(limit: 1)
        engine.stop()
        XCTAssertEqual(engine.takeJobs().map(\.key), [])
        XCTAssertFalse(engine.isFinished, "a[1] is still running")
        try runJob(engine, job[0])
        XCTAssertTrue(engine.isFinished)
        XCTAssertEqual(engine.counts.built, 1)
        XCTAssertEqual(engine.takeJobs().map(\.key), [], "b[1] is ready now, but the build stopped")
        XCTAssertEqual(engine.queuedCount, 2)
    }
}
