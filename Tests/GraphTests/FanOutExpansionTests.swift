import Foundation
@testable import Graph
import XCTest

/// Fan-out expansion (`FanOutExpansion`, through `BuildEngine`): a family whose instances
/// come from another family's manifest is expanded once that manifest's producer is built;
/// in a dry run it is pending (no manifest yet) or provisional (a manifest that will be
/// rebuilt first); expansion problems are reported with their kind.
final class FanOutExpansionTests: XCTestCase {
    var box: Sandbox!

    override func setUpWithError() throws {
        box = try Sandbox()
        try box.write(FanOutProject.names, "name\na\nb\n")
    }

    /// `other` writes `out/other.txt` and depends on nothing: it runs whatever the fan-out does.
    func otherFamily() -> any FamilySource {
        CodeFamily(name: "other") { _ in [testTask("other", writes: ["out/other.txt"])] }
    }

    // MARK: - Manifest fan-out

    func testFanOutIsExpandedOnlyAfterItsManifestIsBuilt() throws {
        let engine = try makeEngine(FanOutProject.families())
        try engine.start()
        XCTAssertFalse(engine.graph.isExpanded("item"))
        XCTAssertFalse(engine.graph.isExpanded("all"), "all reads item, which is not expanded")
        XCTAssertEqual(engine.counts.needed, 1)
        let first = engine.takeJobs()
        XCTAssertEqual(first.map(\.key), ["list"])
        XCTAssertEqual(engine.takeJobs().map(\.key), [], "nothing else can run before the manifest exists")

        try runJob(engine, first[0])
        XCTAssertEqual(engine.keys(of: "item"), ["item[a]", "item[b]"])
        XCTAssertEqual(engine.keys(of: "all"), ["all"])
        XCTAssertEqual(engine.counts.needed, 4)
        let second = engine.takeJobs()
        XCTAssertEqual(second.map(\.key), ["item[a]", "item[b]"])
        XCTAssertEqual(second.map(\.reason), [.noTrace, .noTrace])
        XCTAssertEqual(engine.state(of: "all"), .waiting)

        for j in second { try runJob(engine, j) }
        let third = engine.takeJobs()
        XCTAssertEqual(third.map(\.key), ["all"])
        try runJob(engine, third[0])
        XCTAssertTrue(engine.isFinished)
        XCTAssertEqual(engine.counts.built, 4)
        XCTAssertEqual(engine.problems, [])
        XCTAssertEqual(engine.provisionalFamilies, [])
        XCTAssertEqual(engine.pendingFamilies.count, 0)
    }

    func testNewManifestRowsBecomeNewInstances() throws {
        try runToCompletion(try makeEngine(FanOutProject.families()))
        try box.write(FanOutProject.names, "name\na\nb\nc\n")
        let engine = try makeEngine(FanOutProject.families())
        let ran = try runToCompletion(engine)
        XCTAssertEqual(ran, ["list", "item[c]", "all"])
        XCTAssertEqual(engine.keys(of: "item"), ["item[a]", "item[b]", "item[c]"])
        XCTAssertEqual(engine.counts.upToDate, 2, "item[a] and item[b]")
        XCTAssertEqual(engine.counts.built, 3)
        XCTAssertEqual(box.read("out/item-c.txt"), "item[c]\n")

        // And a row dropped: its instance is gone, the aggregate is rebuilt.
        try box.write(FanOutProject.names, "name\na\nc\n")
        let again = try makeEngine(FanOutProject.families())
        XCTAssertEqual(try runToCompletion(again), ["list", "all"])
        XCTAssertEqual(again.keys(of: "item"), ["item[a]", "item[c]"])
    }

    func testUpToDateFanOutIsNeitherPendingNorProvisional() throws {
        try runToCompletion(try makeEngine(FanOutProject.families()))
        let dry = try makeEngine(FanOutProject.families(), dryRun: true)
        try dry.start()
        XCTAssertEqual(dry.plannedJobs().map(\.key), [])
        XCTAssertEqual(dry.counts.upToDate, 4)
        XCTAssertEqual(dry.provisionalFamilies, [])
        XCTAssertEqual(dry.pendingFamilies.count, 0)
    }

    // MARK: - Dry run: pending and provisional

    func testDryRunWithoutManifestLeavesTheFamilyPending() throws {
        let dry = try makeEngine(FanOutProject.families(), dryRun: true)
        try dry.start()
        XCTAssertEqual(dry.plannedJobs().map(\.key), ["list"])
        XCTAssertEqual(dry.plannedJobs().map(\.reason), [.noTrace])
        XCTAssertEqual(dry.pendingFamilies.count, 1)
        XCTAssertEqual(dry.pendingFamilies.first?.family, "item")
        XCTAssertEqual(dry.pendingFamilies.first?.waitsFor, ["list"])
        XCTAssertEqual(dry.pendingFamilies.first?.lastKnownCount, 0)
        XCTAssertEqual(dry.provisionalFamilies, [])
        XCTAssertEqual(dry.problems, [], "a pending family is not a problem")
        XCTAssertEqual(dry.counts.failed, 0)
        XCTAssertFalse(dry.graph.isExpanded("item"))
        XCTAssertFalse(dry.graph.isExpanded("all"))
        XCTAssertNil(box.read(FanOutProject.manifest), "a dry run builds nothing")
    }

    func testPendingFamilyKnowsHowManyInstancesItHadLastTime() throws {
        try runToCompletion(try makeEngine(FanOutProject.families()))
        try FileManager.default.removeItem(atPath: FanOutProject.manifest)
        let dry = try makeEngine(FanOutProject.families(), dryRun: true)
        try dry.start()
        XCTAssertEqual(dry.plannedJobs().map(\.reason), [.outputMissing(FanOutProject.manifest)])
        XCTAssertEqual(dry.pendingFamilies.map(\.family), ["item"])
        XCTAssertEqual(dry.pendingFamilies.first?.lastKnownCount, 2)
    }

    func testDryRunExpandsProvisionallyFromAManifestThatWillBeRebuilt() throws {
        try runToCompletion(try makeEngine(FanOutProject.families()))
        try box.write(FanOutProject.names, "name\na\nb\nc\n")
        let dry = try makeEngine(FanOutProject.families(), dryRun: true)
        try dry.start()
        XCTAssertEqual(dry.provisionalFamilies, ["item"])
        XCTAssertEqual(dry.pendingFamilies.count, 0)
        // The old manifest's rows: c is not known until list has run.
        XCTAssertEqual(dry.keys(of: "item"), ["item[a]", "item[b]"])
        XCTAssertEqual(dry.plannedJobs().map(\.key), ["list"])
        XCTAssertEqual(dry.plannedJobs().first?.reason, .inputChanged(FanOutProject.names))
        XCTAssertEqual(dry.counts.upToDate, 3)
        XCTAssertEqual(dry.counts.wouldRun, 1)
    }

    // MARK: - Expansion problems

    func testFanOutOverAFailedProductSaysItDidNotBuild() throws {
        let deeper = CodeFamily(name: "deeper", expansionFamilies: ["item"]) { _ in [] }
        let engine = try makeEngine(FanOutProject.families() + [deeper, otherFamily()], keepGoing: true)
        let ran = try runToCompletion(engine, failing: ["list"])
        XCTAssertEqual(ran.sorted(), ["list", "other"])
        XCTAssertEqual(engine.problems, [
            Problem(key: "list", kind: .taskFailed, message: "boom"),
            Problem(key: nil, kind: .expansionFailed, message: "product 'item' not expanded: list did not build"),
            Problem(key: nil, kind: .expansionFailed, message: "product 'deeper' not expanded: item failed"),
        ])
        XCTAssertEqual(engine.counts.failed, 1, "the expansions are consequences, not failures of their own")
        XCTAssertFalse(engine.graph.isExpanded("all"))
    }

    func testMalformedManifestIsAFailureThatStopsTheBuild() throws {
        let engine = try makeEngine(FanOutProject.families() + [otherFamily()])
        try engine.start()
        // Run the list alone (with no header), before `other`.
        let jobs = engine.takeJobs(limit: 1)
        XCTAssertEqual(jobs.map(\.key), ["list"])
        try runJob(engine, jobs[0]) { _ in "a\nb\n" }
        XCTAssertEqual(engine.problems, [Problem(key: nil, kind: .expansionFailed,
                                                 message: "product 'item': \(FanOutProject.manifest) has no header")])
        XCTAssertEqual(engine.counts.failed, 1)
        XCTAssertTrue(engine.stopped)
        XCTAssertEqual(engine.takeJobs().map(\.key), [])
        XCTAssertTrue(engine.isFinished)
        XCTAssertEqual(engine.state(of: "other"), .ready(.noTrace))
    }

    func testMalformedManifestWithKeepGoingLetsTheRestRun() throws {
        let engine = try makeEngine(FanOutProject.families() + [otherFamily()], keepGoing: true)
        let ran = try runToCompletion(engine) { job in job.key == "list" ? "a\nb\n" : defaultJobText(job) }
        XCTAssertEqual(ran.sorted(), ["list", "other"])
        XCTAssertFalse(engine.stopped)
        XCTAssertEqual(engine.problems.map(\.kind), [.expansionFailed])
        XCTAssertEqual(engine.counts.failed, 1)
        XCTAssertEqual(engine.counts.built, 2)
    }

    func testDependencyCycleIsRefused() throws {
        let a = CodeFamily(name: "a", inputFamilies: ["b"]) { _ in [] }
        let b = CodeFamily(name: "b", expansionFamilies: ["a"]) { _ in [] }
        XCTAssertThrowsError(try makeEngine([b, a])) { e in
            XCTAssertEqual("\(e)", "product 'a': dependency cycle: a -> b -> a")
        }
        XCTAssertEqual(try FanOutExpansion.topologicalOrder(FanOutProject.families()), ["list", "item", "all"])
    }

    // MARK: - Families outside the targets

    func testFamilyOutsideTheTargetsIsExpandedToCheckItsOutputs() throws {
        let x = CodeFamily(name: "x") { _ in [testTask("x", writes: ["out/x.txt"])] }
        let y = CodeFamily(name: "y") { _ in [testTask("y", writes: ["out/x.txt"])] }
        let engine = try makeEngine([x, y], targets: [.family("x")])
        XCTAssertThrowsError(try engine.start()) { e in
            XCTAssertTrue(e is OutputConflict, "\(e)")
        }
    }

    func testFamilyOutsideTheTargetsThatCannotExpandIsLeftOut() throws {
        let broken = CodeFamily(name: "broken") { _ in throw ExpansionError(family: "broken", message: "no") }
        let engine = try makeEngine(FanOutProject.families() + [otherFamily(), broken], targets: [.family("other")])
        XCTAssertEqual(try runToCompletion(engine), ["other"])
        XCTAssertEqual(engine.problems, [])
        XCTAssertFalse(engine.graph.isExpanded("broken"))
        XCTAssertFalse(engine.graph.isExpanded("item"), "no manifest yet, and nothing builds it")
        XCTAssertEqual(engine.state(of: "list"), .unneeded)
    }

    func testFanOutOutsideTheTargetsIsExpandedFromAManifestThatIsThere() throws {
        try runToCompletion(try makeEngine(FanOutProject.families()))
        let engine = try makeEngine(FanOutProject.families() + [otherFamily()], targets: [.family("other")])
        XCTAssertEqual(try runToCompletion(engine), ["other"])
        XCTAssertEqual(engine.keys(of: "item"), ["item[a]", "item[b]"])
        XCTAssertEqual(engine.state(of: "item[a]"), .unneeded)
        XCTAssertEqual(engine.counts.needed, 1)
    }
}
