import Foundation
import XCTest
@testable import Exec
@testable import Graph

final class ShellCommandTests: XCTestCase {
    private func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "arrakis-exec-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testExitStatusAndLog() throws {
        let log = try scratch() + "/log"
        XCTAssertEqual(ShellCommand.run("echo out; echo err >&2; exit 7", logPath: log), .exited(7))
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), "out\nerr\n")
        XCTAssertEqual(ShellCommand.run("true", logPath: log), .exited(0))
    }

    func testSignalIsReported() throws {
        let log = try scratch() + "/log"
        XCTAssertEqual(ShellCommand.run("kill -9 $$", logPath: log), .signaled(9))
    }

    func testCommandRunsInItsOwnProcessGroup() throws {
        let log = try scratch() + "/log"
        var spawned: pid_t = 0
        XCTAssertEqual(ShellCommand.run("ps -o pgid= -p $$", logPath: log, onSpawn: { spawned = $0 }), .exited(0))
        let pgid = try String(contentsOfFile: log, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(pgid, String(spawned))
    }

    func testFailedAttemptKeepsItsLogAndShowsTheTail() throws {
        let dir = try scratch()
        let lines = (1...30).map { "echo line \($0) >&2" }.joined(separator: "; ")
        let spec = TaskSpec(key: ProductKey(family: "step", values: ["b"]), outputs: [dir + "/out.txt"],
                            ruleKind: "shell", command: .shell(lines + "; exit 4"))
        let job = BuildEngine.Job(id: 0, key: "step[b]", reason: .noTrace, spec: spec)
        let attempt = TaskAttempt(builtins: BuiltinRegistry(), scratchLog: dir + "/worker-0.log",
                                  logDirectory: dir, onProcess: { _ in })
        guard case .failure(let message) = attempt.run(job) else { return XCTFail("expected a failure") }
        XCTAssertTrue(message.hasPrefix("exit status 4; last lines of \(dir)/step_b_-"), message)
        XCTAssertTrue(message.contains("    | line 30"), message)
        XCTAssertFalse(message.contains("    | line 1\n"), "the whole log instead of its tail: \(message)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out.txt"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out.arrakis-tmp.txt"))
    }

    func testSuccessfulAttemptCommitsTheOutput() throws {
        let dir = try scratch()
        let spec = TaskSpec(key: ProductKey(family: "step", values: ["a"]), outputs: [dir + "/a/out.txt"],
                            ruleKind: "shell", command: .shell("echo hello > \(dir)/a/out.arrakis-tmp.txt"))
        let job = BuildEngine.Job(id: 0, key: "step[a]", reason: .noTrace, spec: spec)
        let attempt = TaskAttempt(builtins: BuiltinRegistry(), scratchLog: dir + "/worker-0.log",
                                  logDirectory: dir, onProcess: { _ in })
        guard case .success(let outputs) = attempt.run(job) else { return XCTFail("expected success") }
        XCTAssertEqual(outputs.map(\.path), [dir + "/a/out.txt"])
        XCTAssertEqual(outputs[0].digest, Digest(Array("hello\n".utf8)))
        XCTAssertEqual(try String(contentsOfFile: dir + "/a/out.txt", encoding: .utf8), "hello\n")
    }

    func testCommandThatWritesNothingFails() throws {
        let dir = try scratch()
        let spec = TaskSpec(key: ProductKey(family: "step", values: ["a"]), outputs: [dir + "/out.txt"],
                            ruleKind: "shell", command: .shell("true"))
        let job = BuildEngine.Job(id: 0, key: "step[a]", reason: .noTrace, spec: spec)
        let attempt = TaskAttempt(builtins: BuiltinRegistry(), scratchLog: dir + "/w.log",
                                  logDirectory: dir, onProcess: { _ in })
        guard case .failure(let message) = attempt.run(job) else { return XCTFail("expected a failure") }
        XCTAssertTrue(message.contains("did not write its output"), message)
    }
}

final class ResourceTokenTests: XCTestCase {
    func testTokensLimitConcurrencyAndClampBigTasks() {
        var tokens = ResourceTokens(cpus: 4, memoryMB: 1000)
        XCTAssertTrue(tokens.fits(cpus: 3, memoryMB: 600))
        tokens.take(cpus: 3, memoryMB: 600)
        XCTAssertFalse(tokens.fits(cpus: 2, memoryMB: 100))
        XCTAssertFalse(tokens.fits(cpus: 1, memoryMB: 500))
        XCTAssertTrue(tokens.fits(cpus: 1, memoryMB: 400))
        tokens.give(cpus: 3, memoryMB: 600)
        // A task asking for more than the machine still runs, alone.
        XCTAssertTrue(tokens.fits(cpus: 64, memoryMB: 100_000))
        tokens.take(cpus: 64, memoryMB: 100_000)
        XCTAssertFalse(tokens.fits(cpus: 1, memoryMB: 0))
    }

    func testDurationsForTheProgressLine() {
        XCTAssertEqual(ProgressReporter.duration(42), "42s")
        XCTAssertEqual(ProgressReporter.duration(125), "2m05s")
        XCTAssertEqual(ProgressReporter.duration(7260), "2h01m")
    }
}
