import Foundation
import Synchronization
import XCTest
@testable import Exec
@testable import Graph

/// The contract every `Executor` keeps, checked through the protocol alone: success,
/// failure (exit status and the log's tail), retries, cancel, keep-going. Each executor's
/// test class runs every check with its own `make`.
struct ExecutorConformance {
    /// A new executor for a fixture (its state under `fixture.state`), telling `observer`.
    var make: (ExecutorFixture, BuildObserver) throws -> any Executor
    /// How long anything may take to happen (a batch scheduler is slower than fork).
    var patience: Double

    func success() throws {
        let f = try ExecutorFixture()
        let specs = ["a", "b"].map { (v: String) in f.shell("step", v, "printf \(v) > \(f.tmp(v + ".txt"))") }
        let (report, events) = try f.run(make, f.engine([f.family("step", specs)]), patience: patience)
        XCTAssertTrue(report.succeeded, "\(report.problems)")
        XCTAssertEqual(report.problems, [])
        XCTAssertFalse(report.interrupted)
        XCTAssertEqual(report.counts.built, 2)
        XCTAssertEqual(f.read("a.txt"), "a")
        XCTAssertEqual(f.read("b.txt"), "b")
        XCTAssertEqual(Set(events.finished.map(\.key)), ["step[a]", "step[b]"])
        XCTAssertEqual(events.finished.map(\.status), [.succeeded, .succeeded])
        XCTAssertEqual(events.runs.first?.planned, 2)
    }

    func failureWithExitStatusAndLogTail() throws {
        let f = try ExecutorFixture()
        let lines = (1...30).map { "echo line \($0) >&2" }.joined(separator: "; ")
        let bad = f.shell("step", "bad", lines + "; exit 3")
        let (report, events) = try f.run(make, f.engine([f.family("step", [bad])]), patience: patience)
        XCTAssertFalse(report.succeeded)
        XCTAssertEqual(report.counts.failed, 1)
        XCTAssertEqual(report.problems.map(\.key), ["step[bad]"])
        XCTAssertEqual(report.problems.map(\.kind), [.taskFailed])
        let message = report.problems.first?.message ?? ""
        XCTAssertTrue(message.hasPrefix("exit status 3; last lines of "), message)
        XCTAssertTrue(message.contains("    | line 30"), message)
        XCTAssertFalse(message.contains("    | line 1\n"), "the whole log instead of its tail: \(message)")
        XCTAssertEqual(report.unannounced, [], "a task's failure is shown as it happens")
        XCTAssertNil(f.read("bad.txt"))
        let event = try XCTUnwrap(events.finished.first)
        XCTAssertEqual(event.status, .failed)
        XCTAssertEqual(event.exitStatus, 3)
        XCTAssertTrue(event.logPath.map { FileManager.default.fileExists(atPath: $0) } == true, "\(event)")
    }

    func retries() throws {
        let f = try ExecutorFixture()
        let marker = f.tmp("tried")
        var flaky = f.shell("step", "flaky", "if [ -e \(marker) ]; then echo y > \(f.tmp("flaky.txt")); else touch \(marker); exit 4; fi")
        flaky.resources.retries = 1
        var hopeless = f.shell("step", "hopeless", "exit 5")
        hopeless.resources.retries = 2
        let engine = try f.engine([f.family("step", [flaky, hopeless])], keepGoing: true)
        let (report, events) = try f.run(make, engine, patience: patience)
        XCTAssertEqual(report.counts.built, 1)
        XCTAssertEqual(report.problems.map(\.key), ["step[hopeless]"])
        XCTAssertEqual(f.read("flaky.txt"), "y\n")
        let byKey = Dictionary(grouping: events.finished, by: \.key).mapValues { $0.sorted { $0.attempt < $1.attempt } }
        XCTAssertEqual(byKey["step[flaky]"]?.map(\.status), [.retrying, .succeeded])
        XCTAssertEqual(byKey["step[flaky]"]?.map(\.exitStatus), [4, 0])
        XCTAssertEqual(byKey["step[hopeless]"]?.map(\.status), [.retrying, .retrying, .failed])
        XCTAssertEqual(byKey["step[hopeless]"]?.map(\.attempt), [1, 2, 3])
    }

    func cancel() throws {
        let f = try ExecutorFixture()
        let pidFile = f.directory + "/pid"
        // The command says it runs (its pid, written whole), then waits to be stopped.
        let slow = f.shell("step", "slow", "echo $$ > \(pidFile).new && mv \(pidFile).new \(pidFile); exec sleep 600")
        let engine = try f.engine([f.family("step", [slow])])
        let executor = try make(f, f.events)
        let run = BackgroundRun(executor, engine)
        XCTAssertTrue(ExecutorFixture.wait(patience) { f.read("pid") != nil }, "the task never started")
        executor.cancel()
        let report = try XCTUnwrap(run.result(within: patience), "cancel did not end the run").get()
        XCTAssertTrue(report.interrupted)
        XCTAssertFalse(report.succeeded)
        XCTAssertEqual(report.problems.map(\.key), ["step[slow]"])
        XCTAssertEqual(report.problems.map(\.kind), [.interrupted], "\(report.problems)")
        XCTAssertEqual(report.counts.built, 0)
        XCTAssertNil(f.read("slow.txt"))
        let pid = try XCTUnwrap(f.read("pid").flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        XCTAssertTrue(ExecutorFixture.wait(patience) { kill(pid, 0) != 0 && errno == ESRCH }, "the running command was not stopped")
    }

    func keepGoing() throws {
        let f = try ExecutorFixture()
        let bad = f.shell("bad", nil, "echo boom >&2; exit 1")
        let ok = f.shell("ok", nil, "echo ok > \(f.tmp("ok.txt"))")
        let after = f.shell("after", nil, "cat \(f.directory)/bad.txt > \(f.tmp("after.txt"))")
        let families: [FamilySource] = [
            f.family("bad", [bad]), f.family("ok", [ok]),
            ExecutorFixture.Family(name: "after", inputFamilies: ["bad"]) { graph in
                var s = after
                s.productInputs = [graph.instance(forKey: ProductKey(family: "bad", values: []))!]
                return [s]
            },
        ]
        let (report, _) = try f.run(make, try f.engine(families, keepGoing: true), patience: patience)
        XCTAssertFalse(report.succeeded)
        XCTAssertEqual(report.counts.built, 1)
        XCTAssertEqual(report.counts.failed, 1)
        XCTAssertEqual(report.counts.skipped, 1)
        XCTAssertEqual(report.problems.map(\.key), ["bad"])
        XCTAssertTrue(report.problems.first?.message.contains("boom") == true, "\(report.problems)")
        XCTAssertEqual(f.read("ok.txt"), "ok\n")
        XCTAssertNil(f.read("after.txt"))
    }
}

/// A build's scratch directory, families of shell tasks, and what the observer heard.
final class ExecutorFixture {
    struct Family: FamilySource {
        var name: String
        var variables: [String] = []
        var inputFamilies: [String] = []
        var expansionFamilies: [String] = []
        var make: @Sendable (BuildGraph) throws -> [TaskSpec]
        func expand(in graph: BuildGraph) throws -> [TaskSpec] { try make(graph) }
    }

    let directory: String
    var state: String { directory + "/state" }
    let events = EventLog()

    init() throws {
        directory = NSTemporaryDirectory() + "arrakis-executor-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// The temporary path a task writes for `name` (renamed into place when it succeeds).
    func tmp(_ name: String) -> String { TemporaryOutput.path(for: directory + "/" + name) }

    func read(_ name: String) -> String? { try? String(contentsOfFile: directory + "/" + name, encoding: .utf8) }

    /// `family[value]` (or `family`) writing `directory/VALUE.txt` (or `family.txt`).
    func shell(_ family: String, _ value: String?, _ command: String) -> TaskSpec {
        TaskSpec(key: ProductKey(family: family, values: value.map { [$0] } ?? []),
                 outputs: [directory + "/" + (value ?? family) + ".txt"], ruleKind: "shell", command: .shell(command))
    }

    func family(_ name: String, _ specs: [TaskSpec]) -> Family {
        Family(name: name, variables: specs.first?.key.values.isEmpty == false ? ["v"] : []) { _ in specs }
    }

    func engine(_ families: [FamilySource], keepGoing: Bool = false) throws -> BuildEngine {
        let clock = try FilesystemClock(markerPath: state + "/clock")
        return try BuildEngine(families: families, targets: [], digests: try DigestCache(path: state + "/digests.log", clock: clock),
                               traces: try TraceStore(path: state + "/traces.log"), options: .init(keepGoing: keepGoing))
    }

    /// Runs `engine` with a new executor; fails the test (cancelling) if it takes longer than `patience`.
    func run(_ make: (ExecutorFixture, BuildObserver) throws -> any Executor, _ engine: BuildEngine,
             patience: Double) throws -> (BuildReport, EventLog) {
        let executor = try make(self, events)
        let run = BackgroundRun(executor, engine)
        guard let result = run.result(within: patience) else {
            executor.cancel()
            _ = run.result(within: patience)
            throw Timeout(what: "the build", seconds: patience)
        }
        return (try result.get(), events)
    }

    /// Whether `condition` held within `seconds`: how the executor tests wait for an event
    /// (a pid file, a process gone), polled, never for a fixed time.
    static func wait(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            usleep(20_000)  // the polling interval
        }
        return condition()
    }
}

struct Timeout: Error, CustomStringConvertible {
    var what: String
    var seconds: Double
    var description: String { "\(what) did not finish within \(seconds) s" }
}

/// `executor.run(engine)` on its own thread.
final class BackgroundRun: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<BuildReport, Error>?

    init(_ executor: any Executor, _ engine: BuildEngine) {
        nonisolated(unsafe) let executor = executor
        nonisolated(unsafe) let engine = engine
        Thread { [self] in
            outcome = Result { try executor.run(engine) }
            done.signal()
        }.start()
    }

    /// The run's result, or nil if it has not ended within `seconds`.
    func result(within seconds: Double) -> Result<BuildReport, Error>? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        done.signal()
        return outcome
    }
}

/// What an observer heard, in order.
final class EventLog: BuildObserver {
    private let events = Mutex<(runs: [BuildEvent.RunStarted], finished: [BuildEvent.TaskFinished])>(([], []))
    func runStarted(_ run: BuildEvent.RunStarted) { events.withLock { $0.runs.append(run) } }
    func taskStarted(_ task: BuildEvent.TaskStarted) {}
    func taskFinished(_ task: BuildEvent.TaskFinished) { events.withLock { $0.finished.append(task) } }
    func runFinished(_ run: BuildEvent.RunFinished) {}
    var runs: [BuildEvent.RunStarted] { events.withLock { $0.runs } }
    var finished: [BuildEvent.TaskFinished] { events.withLock { $0.finished } }
}
