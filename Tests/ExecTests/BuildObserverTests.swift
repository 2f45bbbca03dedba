import Foundation
import Synchronization
import XCTest
@testable import Exec
@testable import Graph

/// What LocalExecutor tells a `BuildObserver` (run history listens this way).
final class BuildObserverTests: XCTestCase {
    /// Keeps every event, in order.
    final class Recorder: BuildObserver {
        enum Event { case run(BuildEvent.RunStarted), started(BuildEvent.TaskStarted), finished(BuildEvent.TaskFinished), end(BuildEvent.RunFinished) }
        let events = Mutex<[Event]>([])
        func runStarted(_ run: BuildEvent.RunStarted) { events.withLock { $0.append(.run(run)) } }
        func taskStarted(_ task: BuildEvent.TaskStarted) { events.withLock { $0.append(.started(task)) } }
        func taskFinished(_ task: BuildEvent.TaskFinished) { events.withLock { $0.append(.finished(task)) } }
        func runFinished(_ run: BuildEvent.RunFinished) { events.withLock { $0.append(.end(run)) } }
        var all: [Event] { events.withLock { $0 } }
        var finished: [BuildEvent.TaskFinished] { all.compactMap { if case .finished(let f) = $0 { return f } else { return nil } } }
    }

    struct Family: FamilySource {
        var name: String
        var variables: [String] = []
        var inputFamilies: [String] = []
        var expansionFamilies: [String] = []
        var specs: [TaskSpec]
        func expand(in graph: BuildGraph) throws -> [TaskSpec] { specs }
    }

    func testEventsOfARunWithARetryAndAFailure() throws {
        let dir = NSTemporaryDirectory() + "arrakis-observer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/state", withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let ok = TaskSpec(key: ProductKey(family: "step", values: ["ok"]), outputs: [dir + "/ok.txt"], ruleKind: "shell",
                          command: .shell("echo ok > \(dir)/ok.arrakis-tmp.txt"))
        let flaky = TaskSpec(key: ProductKey(family: "step", values: ["flaky"]), outputs: [dir + "/flaky.txt"], ruleKind: "shell",
                             command: .shell("if [ -e \(dir)/tried ]; then echo y > \(dir)/flaky.arrakis-tmp.txt; else touch \(dir)/tried; exit 4; fi"),
                             resources: Resources(retries: 1))
        let bad = TaskSpec(key: ProductKey(family: "bad", values: []), outputs: [dir + "/bad.txt"], ruleKind: "shell",
                           command: .shell("echo boom >&2; exit 9"))
        let clock = try FilesystemClock(markerPath: dir + "/state/clock")
        let engine = try BuildEngine(families: [Family(name: "step", variables: ["n"], specs: [ok, flaky]), Family(name: "bad", specs: [bad])],
                                     targets: [], digests: try DigestCache(path: dir + "/state/digests.log", clock: clock),
                                     traces: try TraceStore(path: dir + "/state/traces.log"), options: .init(keepGoing: true))
        let observer = Recorder()
        let executor = LocalExecutor(options: .init(jobs: 2, logDirectory: dir + "/logs", progress: .quiet),
                                     observer: observer)
        let report = try executor.run(engine)
        XCTAssertEqual(report.problems.count, 1)

        let events = observer.all
        guard case .run(let start)? = events.first, case .end(let end)? = events.last else { return XCTFail("run events missing") }
        XCTAssertEqual(start.executor, "local")
        XCTAssertEqual(start.planned, 3)
        XCTAssertEqual(end.counts.built, 2)
        XCTAssertEqual(end.failures, 1)
        XCTAssertEqual(events.filter { if case .started = $0 { return true } else { return false } }.count, 4)

        let byKey = Dictionary(grouping: observer.finished, by: \.key)
        let flakyEvents = try XCTUnwrap(byKey["step[flaky]"]).sorted { $0.attempt < $1.attempt }
        XCTAssertEqual(flakyEvents.map(\.status), [.retrying, .succeeded])
        XCTAssertEqual(flakyEvents.map(\.exitStatus), [4, 0])
        let okEvent = try XCTUnwrap(byKey["step[ok]"]?.first)
        XCTAssertEqual(okEvent.family, "step")
        XCTAssertEqual(okEvent.reason, .noTrace)
        XCTAssertNotEqual(okEvent.fingerprint, .zero)
        XCTAssertEqual(okEvent.fingerprint, engine.traces.trace(forKey: Digest("step[ok]"))?.fingerprint)
        XCTAssertEqual(okEvent.outputs.map(\.path), [dir + "/ok.txt"])
        XCTAssertEqual(okEvent.host, HostName.current)
        XCTAssertGreaterThanOrEqual(okEvent.ended, okEvent.started)
        let badEvent = try XCTUnwrap(byKey["bad"]?.first)
        XCTAssertEqual(badEvent.status, .failed)
        XCTAssertEqual(badEvent.exitStatus, 9)
        XCTAssertTrue(badEvent.message?.contains("boom") == true)
        XCTAssertTrue(badEvent.logPath.map { FileManager.default.fileExists(atPath: $0) } == true)
    }

    func testPeakMemoryOfABigCommandIsItsOwn() throws {
        let log = NSTemporaryDirectory() + "arrakis-mem-\(UUID().uuidString).log"
        defer { unlink(log) }
        // dd reads 300 MiB into one buffer: more than this test process holds.
        let (outcome, peak) = ShellCommand.runMeasured("dd if=/dev/zero of=/dev/null bs=300M count=1", logPath: log)
        XCTAssertEqual(outcome, .exited(0))
        XCTAssertGreaterThan(peak ?? 0, 290 * 1024)
    }

    func testEtaUsesRecordedDurationsCalibratedByThisRun() {
        var eta = EtaEstimator(estimates: DurationEstimates(["slow": 10, "fast": 1]), workers: 2)
        XCTAssertEqual(eta.eta(remaining: 4, rate: 2), 2, "without records: remaining / rate")
        eta.started(family: "slow")
        eta.started(family: "slow")
        XCTAssertEqual(eta.eta(remaining: 4, rate: 100), 20, "4 tasks of 10s on 2 workers")
        for _ in 0..<3 { eta.finished(family: "slow", seconds: 5) }
        XCTAssertEqual(eta.eta(remaining: 4, rate: 100), 10, "this run is twice as fast as recorded")
        XCTAssertEqual(eta.eta(remaining: 1, rate: 100), 5, "one task left runs on one worker")
        XCTAssertEqual(DurationEstimates(["slow": 10]).tasks(of: "slow", filling: 600), 60)
        XCTAssertEqual(DurationEstimates().tasks(of: "slow", filling: 600, fallback: 8), 8)
    }
}
