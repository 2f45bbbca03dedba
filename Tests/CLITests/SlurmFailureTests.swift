import Foundation
import XCTest

/// Failures on SLURM: retries, a task that always fails, `--keep-going`, a job cancelled by
/// hand, and a controller killed with -9 and started again.
final class SlurmFailureTests: XCTestCase {
    static let slurmArgs = SlurmCluster.buildOptions

    func testAFailureIsRetriedAndAPermanentOneIsReportedWithItsStderrAndJob() throws {
        try SlurmCluster.require()
        let dir = try scratchDirectory(self)
        try write("""
        product flaky {
            output "flaky.txt"
            shell "if [ -e marker ]; then echo ok > {output}; else touch marker; echo 'flaky: first attempt fails' >&2; exit 3; fi"
            retries 1
        }
        product broken {
            output "broken.txt"
            shell "echo 'broken: the calibration table is missing' >&2; exit 7"
        }
        product fine {
            for i in range(0, 20)
            output "fine/{i}.txt"
            shell "echo {i} > {output}"
        }
        product after_broken {
            input broken
            output "never.txt"
            shell "cp {input} {output}"
        }
        """, to: dir + "/Arrakisfile")
        let r = try arrakis(["build", "-k"] + Self.slurmArgs, in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(try read(dir + "/flaky.txt"), "ok\n")
        for i in 0..<20 { XCTAssertEqual(try read(dir + "/fine/\(i).txt"), "\(i)\n") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/broken.txt"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/never.txt"))
        XCTAssertTrue(r.stderr.contains("flaky failed (attempt 1 of 2), submitting again"), r.stderr)
        // The permanent failure: its exit status, the last lines of its stderr, its job.
        let failed = try XCTUnwrap(r.stderr.split(separator: "\n").firstIndex { $0.hasPrefix("FAILED broken:") }, r.stderr)
        let report = r.stderr.split(separator: "\n")[failed...].prefix(4).joined(separator: "\n")
        XCTAssertTrue(report.contains("exit status 7"), report)
        XCTAssertTrue(report.contains("broken: the calibration table is missing"), report)
        XCTAssertNotNil(report.range(of: #"\(job [0-9]+_[0-9]+ on [^)]+\)"#, options: .regularExpression), report)
        XCTAssertTrue(r.stderr.contains("21 built"), r.stderr)
        XCTAssertTrue(r.stderr.contains("1 failed"), r.stderr)
        XCTAssertTrue(r.stderr.contains("1 skipped"), r.stderr)
        // flaky twice, everything else once: 20 + 1 + 2.
        XCTAssertEqual(SlurmCluster.submittedTasks(in: dir), 23)
    }

    func testAJobCancelledByHandIsNoticedWithinAPollAndSubmittedAgain() throws {
        try SlurmCluster.require()
        let dir = try scratchDirectory(self)
        // The tasks run until the test opens the gate: the one cancelled is surely still
        // running when it is cancelled, however slow the machine (a fixed sleep was not).
        let gate = dir + "/gate"
        defer { try? write("open\n", to: gate) }   // whatever happens, no task waits forever
        try write("""
        product slow {
            for i in range(0, 4)
            output "slow/{i}.txt"
            shell "while [ ! -e '\(gate)' ]; do sleep 0.2; done; echo {i} > {output}"
        }
        """, to: dir + "/Arrakisfile")
        let process = try arrakisProcess(["build", "--tasks-per-job", "1"] + Self.slurmArgs, in: dir)
        let err = StderrReader(process)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        err.start()

        // Every task submitted first, so that what is submitted next is the resubmission.
        waitUntil("the four tasks are submitted") { SlurmCluster.submittedTasks(in: dir) == 4 }
        let submissionsBefore = SlurmCluster.submittedJobs(in: dir).count
        // Then cancel an element seen running (it waits for the gate).
        var victim = ""
        XCTAssertTrue(try SlurmCluster.wait(30) {
            for job in SlurmCluster.submittedJobs(in: dir) {
                let q = try SlurmCluster.run("squeue", ["-h", "-r", "-j", job, "-t", "RUNNING", "-o", "%i"])
                victim = q.stdout.split(separator: "\n").first.map(String.init) ?? ""
                if !victim.isEmpty { return true }
            }
            return false
        })
        let cancelled = Date()
        XCTAssertEqual(try SlurmCluster.run("scancel", [victim]).status, 0)
        // The controller sees it at its next look at the queue (1 s) and submits the task again.
        XCTAssertTrue(SlurmCluster.wait(5) { SlurmCluster.submittedJobs(in: dir).count > submissionsBefore },
                      "no resubmission within 5 s of scancel")
        let noticed = Date().timeIntervalSince(cancelled)
        try write("open\n", to: gate)
        process.waitUntilExit()
        let stderr = err.text()
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertLessThan(noticed, 1 + 2.5, "noticed after \(noticed) s with a 1 s poll")
        XCTAssertTrue(stderr.contains("job \(victim)"), stderr)
        XCTAssertTrue(stderr.contains("was cancelled outside arrakis"), stderr)
        XCTAssertTrue(stderr.contains("submitting again"), stderr)
        for i in 0..<4 { XCTAssertEqual(try read(dir + "/slow/\(i).txt"), "\(i)\n") }
        XCTAssertEqual(SlurmCluster.submittedTasks(in: dir), 5)
    }

    func testAControllerKilledWithSIGKILLReattachesAndSubmitsNothingTwice() throws {
        try SlurmCluster.require()
        let dir = try scratchDirectory(self)
        try write("""
        product slow {
            for i in range(0, 10)
            output "slow/{i}.txt"
            shell "sleep 1.5; echo {i} > {output}"
        }
        product total {
            input slow
            output "total.txt"
            shell "cat {inputs} > {output}"
        }
        """, to: dir + "/Arrakisfile")
        let args = ["build", "--tasks-per-job", "1"] + Self.slurmArgs
        let process = try arrakisProcess(args, in: dir)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it once some tasks finished and others run or wait in the queue.
        XCTAssertTrue(SlurmCluster.wait(40) {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/slow")) ?? []).count >= 3
        })
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let finishedAtKill = ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/slow")) ?? []).count
        XCTAssertLessThan(finishedAtKill, 10, "the build ended before the kill")
        XCTAssertEqual(SlurmCluster.submittedTasks(in: dir), 10)

        let r = try arrakis(args, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("re-attaching to job"), r.stderr)
        XCTAssertEqual(try read(dir + "/total.txt"), (0..<10).map { "\($0)\n" }.joined())
        // Ten slow tasks and total, each submitted exactly once over both builds.
        XCTAssertEqual(SlurmCluster.submittedTasks(in: dir), 11, r.stderr)
        XCTAssertEqual(try dryRunPlan(in: dir).count, 0)
    }

    /// A task over its `mem` is killed by SLURM and reported as out of memory; the rest
    /// builds with -k. (scripts/slurm-local.sh has no cgroups: SLURM's own watchdog,
    /// jobacct_gather with OverMemoryKill, kills the job.)
    func testATaskOverItsMemoryIsReportedAsOutOfMemory() throws {
        try SlurmCluster.require()
        let dir = try scratchDirectory(self)
        try write("""
        product hog {
            output "hog.txt"
            shell "python3 -c 'import time; x = bytearray(400 * 1024 * 1024); x[::4096] = bytes(len(x[::4096])); time.sleep(5)' && echo done > {output}"
            mem "100M"
        }
        product small {
            for i in range(0, 3)
            output "small/{i}.txt"
            shell "echo {i} > {output}"
        }
        """, to: dir + "/Arrakisfile")
        let r = try arrakis(["build", "-k"] + Self.slurmArgs, in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertNotNil(r.stderr.range(of: #"FAILED hog: out of memory: job [0-9]+_0 on [^ ]+ was killed for exceeding its memory \(100 MB; raise 'mem'\)"#,
                                       options: .regularExpression), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/hog.txt"))
        for i in 0..<3 { XCTAssertEqual(try read(dir + "/small/\(i).txt"), "\(i)\n") }
    }

    /// A task that outlives its job's time limit is reported as timed out; the tasks after
    /// it in the same job are submitted again as they were. SLURM counts limits in minutes,
    /// so this test takes about two.
    func testATaskOverTheTimeLimitIsReportedAsTimedOut() throws {
        try SlurmCluster.require()
        let dir = try scratchDirectory(self)
        try write("""
        executor slurm { sbatch "--time=1" }
        product a_quick { output "quick.txt"; shell "echo quick > {output}" }
        product b_stuck { output "stuck.txt"; shell "sleep 600; echo never > {output}" }
        product c_later { output "later.txt"; shell "echo later > {output}" }
        """, to: dir + "/Arrakisfile")
        let started = Date()
        let r = try arrakis(["build", "-k", "--tasks-per-job", "3"] + Self.slurmArgs, in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 240)
        XCTAssertNotNil(r.stderr.range(of: #"FAILED b_stuck: timed out: job [0-9]+_0 on [^ ]+ reached its time limit; raise 'time'"#,
                                       options: .regularExpression), r.stderr)
        XCTAssertEqual(try read(dir + "/quick.txt"), "quick\n")
        XCTAssertEqual(try read(dir + "/later.txt"), "later\n")
        // One array of the three, then c_later again on its own (it never started).
        XCTAssertEqual(SlurmCluster.submittedTasks(in: dir), 4)
    }
}
