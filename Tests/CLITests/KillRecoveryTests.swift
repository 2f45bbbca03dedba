import Astro
import Foundation
import XCTest

/// Acceptance 2: `kill -9` of `arrakis build` at random moments never leaves a wrong or
/// half-written output, and the next build finishes with a clean build's outputs.
final class KillRecoveryTests: XCTestCase {
    /// Each command writes its output in two pieces with a pause between, so a kill often
    /// lands while an output is half-written (under its temporary name).
    static let arrakisfile = """
    product stage1 {
        for name in glob("inputs/{name}.txt")
        input "inputs/{name}.txt"
        output "stage1/{name}.out"
        shell "(head -c 10 {input}; sleep 0.01; cat {input}) > {output}"
    }
    product stage2 {
        for name in glob("inputs/{name}.txt")
        input stage1[name]
        output "stage2/{name}.out"
        shell "(cat {input}; sleep 0.01; wc -c < {input}) > {output}"
    }
    product total {
        input stage2
        output "total.txt"
        shell "cat {inputs} > {output}"
    }
    """

    func testKillNineAtRandomMoments() throws {
        let root = try scratchDirectory(self)
        let reference = root + "/reference"
        try makeProject(reference)
        let clean = try arrakis(["build", "-j", "4"], in: reference)
        XCTAssertEqual(clean.status, 0, clean.stderr)
        let expected = try outputs(of: reference)
        XCTAssertEqual(expected.count, 81)

        var rng = SplitMix64(seed: UInt64(ProcessInfo.processInfo.environment["ARRAKIS_KILL_SEED"] ?? "") ?? 20261125)
        var killedMidway = 0
        for trial in 0..<20 {
            let dir = root + "/trial\(trial)"
            try makeProject(dir)
            // One to three kills at random moments, each followed by a check that every
            // output present is complete and correct.
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let process = try arrakisProcess(["build", "-j", "4", "--progress", "quiet"], in: dir)
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                // The kill's random moment (0 to 0.6 s into the build): what the test
                // varies, not a wait for anything.
                usleep(useconds_t(rng.next() % 600_000))
                let finished = !process.isRunning
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                if !finished { killedMidway += 1 }
                // Commands of the killed build run on in their own process groups.
                waitForCommandsToEnd(in: dir)
                for (path, text) in try outputs(of: dir) {
                    XCTAssertEqual(text, expected[path], "trial \(trial): \(path) is wrong after kill -9")
                }
            }
            let finish = try arrakis(["build", "-j", "4"], in: dir)
            XCTAssertEqual(finish.status, 0, "trial \(trial): \(finish.stderr)")
            XCTAssertEqual(try outputs(of: dir), expected, "trial \(trial): outputs differ from a clean build's")
            XCTAssertEqual(try temporaries(in: dir), [], "trial \(trial): temporary files left behind")
            XCTAssertEqual(try dryRunPlan(in: dir).count, 0, "trial \(trial): not up to date after finishing")
        }
        XCTAssertGreaterThan(killedMidway, 10, "too few kills landed during a build to test anything")
    }

    /// A build killed while compacting a log leaves the old log whole and a partial copy
    /// (`<log>.compact`) beside it; one killed after the rename leaves the new log. Both
    /// states, made by hand: the next build reads the logs, plans nothing, drops the copies.
    func testBuildAfterACompactionKilledMidway() throws {
        let dir = try scratchDirectory(self) + "/project"
        try makeProject(dir)
        XCTAssertEqual(try arrakis(["build", "-j", "4"], in: dir).status, 0)
        for log in ["traces.log", "digests.log"] {
            // Before the rename: a torn copy (header and part of a record).
            let whole = try Data(contentsOf: URL(fileURLWithPath: dir + "/.arrakis/" + log))
            try whole.prefix(40).write(to: URL(fileURLWithPath: dir + "/.arrakis/" + log + ".compact"))
        }
        let rebuilt = try arrakis(["build", "-j", "4"], in: dir)
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
        XCTAssertTrue(rebuilt.stderr.contains("0 built"), rebuilt.stderr)
        for log in ["traces.log", "digests.log"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/.arrakis/" + log + ".compact"), log)
        }
        XCTAssertEqual(try dryRunPlan(in: dir).count, 0)
    }

    /// A real `kill -9` inside a compaction, made deterministic: the compaction's copy
    /// (`traces.log.compact`) is a FIFO, so the build blocks opening it, after every trace
    /// is synced and before the rename, until it is killed there. Every product is rebuilt
    /// twice after a clean build, so the second rebuild's log is three times its live size
    /// and must compact.
    func testKillNineInsideACompaction() throws {
        let dir = try scratchDirectory(self) + "/project"
        try makeProject(dir)
        let traces = dir + "/.arrakis/traces.log"
        XCTAssertEqual(try arrakis(["build", "-j", "4"], in: dir).status, 0)
        let live = try fileSize(traces)
        XCTAssertGreaterThan(3 * live, 32 * 1024, "too small a log to compact: the test proves nothing")
        try changeEveryInput(dir, round: 1)
        XCTAssertEqual(try arrakis(["build", "-j", "4"], in: dir).status, 0)
        XCTAssertGreaterThan(try fileSize(traces), 2 * live - 100, "compacted too early")

        try changeEveryInput(dir, round: 2)
        let process = try arrakisProcess(["build", "-j", "4", "--progress", "quiet"], in: dir)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The logs are open (and stale copies removed) once the first output is rebuilt.
        waitUntil("stage1/f0.out is rebuilt") { (try? read(dir + "/stage1/f0.out"))?.contains("round 2") == true }
        XCTAssertEqual(mkfifo(traces + ".compact", 0o644), 0)
        waitUntil("total.txt is rebuilt") { (try? read(dir + "/total.txt"))?.contains("round 2") == true }
        waitUntil("the build blocks opening \(traces).compact") {
            isBlockedOpeningAFIFO(process.processIdentifier) || !process.isRunning
        }
        XCTAssertTrue(process.isRunning, "the build did not stop in its compaction")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        waitForCommandsToEnd(in: dir)
        XCTAssertGreaterThan(try fileSize(traces), 3 * live - 100, "the old log is whole")

        let finish = try arrakis(["build", "-j", "4"], in: dir)
        XCTAssertEqual(finish.status, 0, finish.stderr)
        XCTAssertTrue(finish.stderr.contains("0 built"), "every trace survived: \(finish.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: traces + ".compact"))
        XCTAssertLessThan(try fileSize(traces), live + 100, "compacted by the next build")
        XCTAssertEqual(try dryRunPlan(in: dir).count, 0)
    }

    private func changeEveryInput(_ dir: String, round: Int) throws {
        for i in 0..<40 {
            try write("round \(round)\n" + String(repeating: "line \(i) of the input\n", count: 1 + i % 7), to: dir + "/inputs/f\(i).txt")
        }
    }

    private func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    private func makeProject(_ dir: String) throws {
        try write(Self.arrakisfile, to: dir + "/Arrakisfile")
        for i in 0..<40 {
            try write(String(repeating: "line \(i) of the input\n", count: 1 + i % 7), to: dir + "/inputs/f\(i).txt")
        }
    }

    /// Every output file under stage1/, stage2/ and total.txt, by relative path.
    private func outputs(of dir: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for sub in ["stage1", "stage2"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/" + sub)) ?? []
            for n in names where !n.contains(".arrakis-tmp") { out[sub + "/" + n] = try read(dir + "/" + sub + "/" + n) }
        }
        if FileManager.default.fileExists(atPath: dir + "/total.txt") { out["total.txt"] = try read(dir + "/total.txt") }
        return out
    }

    private func temporaries(in dir: String) throws -> [String] {
        let all = FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []
        return all.filter { $0.contains(".arrakis-tmp") }
    }
}

/// A small deterministic PRNG so a failing trial can be replayed: the simulator's SplitMix64
/// stream (the same sequence for a seed).
typealias SplitMix64 = RandomStream
