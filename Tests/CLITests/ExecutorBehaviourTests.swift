import Foundation
import XCTest

/// How `arrakis build` behaves when commands fail, when interrupted, and with bad input.
final class ExecutorBehaviourTests: XCTestCase {
    static let failing = """
    product step {
        for n in ["a", "b", "c", "d"]
        output "out/{n}.txt"
        shell "if [ {n} = b ]; then echo 'first complaint' >&2; echo 'disk on fire for {n}' >&2; exit 3; fi; echo {n} > {output}"
    }
    product after {
        for n in ["a", "b", "c", "d"]
        input step[n]
        output "after/{n}.txt"
        shell "cat {input} > {output}"
    }
    """

    func testFailureReportsExitStatusAndStderrTail() throws {
        let dir = try scratchDirectory(self)
        try write(Self.failing, to: dir + "/Arrakisfile")
        let r = try arrakis(["build", "-j", "1", "--progress", "plain"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("step[b]"), r.stderr)
        XCTAssertTrue(r.stderr.contains("exit status 3"), r.stderr)
        XCTAssertTrue(r.stderr.contains("disk on fire for b"), r.stderr)
        XCTAssertTrue(r.stderr.contains("use -k to build the rest"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/after/b.txt"))
    }

    func testKeepGoingBuildsEverythingNotDownstreamOfTheFailure() throws {
        let dir = try scratchDirectory(self)
        try write(Self.failing, to: dir + "/Arrakisfile")
        let r = try arrakis(["build", "-k", "-j", "2"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        for n in ["a", "c", "d"] {
            XCTAssertEqual(try read(dir + "/after/\(n).txt"), "\(n)\n")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out/b.txt"))
        XCTAssertTrue(r.stderr.contains("1 failed"), r.stderr)
        XCTAssertTrue(r.stderr.contains("1 skipped"), r.stderr)
        // Only the failure and what depends on it remain to build.
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.products, ["step[b]", "after[b]"])
    }

    func testRetriesRerunAFlakyCommand() throws {
        let dir = try scratchDirectory(self)
        try write("""
        product flaky {
            output "flaky.txt"
            retries 2
            shell "n=$(cat attempts 2>/dev/null || echo 0); echo $((n + 1)) > attempts; [ $n -ge 2 ] && echo done > {output}"
        }
        """, to: dir + "/Arrakisfile")
        let r = try arrakis(["build", "--progress", "plain"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try read(dir + "/attempts"), "3\n")
        XCTAssertTrue(r.stderr.contains("retrying"), r.stderr)
    }

    func testInterruptStopsCleanlyAndKeepsFinishedWork() throws {
        let dir = try scratchDirectory(self)
        try write("""
        product quick {
            for n in range(0, 4)
            output "quick/{n}.txt"
            shell "echo {n} > {output}"
        }
        product slow {
            for n in range(0, 4)
            input quick[n]
            output "slow/{n}.txt"
            shell "touch started-{n}; sleep 30; cat {input} > {output}"
        }
        """, to: dir + "/Arrakisfile")
        let process = try arrakisProcess(["build", "-j", "8", "--progress", "plain"], in: dir)
        let err = StderrReader(process)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        err.start()
        // Interrupt once every slow command runs (each says so before it sleeps).
        waitUntil("the four slow commands run") {
            (0..<4).allSatisfy { FileManager.default.fileExists(atPath: dir + "/started-\($0)") }
        }
        let interrupted = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        // The commands sleep 30 s: the build ends well before unless Ctrl-C stopped them.
        XCTAssertLessThan(Date().timeIntervalSince(interrupted), 20, "Ctrl-C did not stop the sleeping commands")
        XCTAssertEqual(process.terminationStatus, 130)
        let stderr = err.text()
        XCTAssertTrue(stderr.contains("interrupted"), stderr)
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.products, Set((0..<4).map { "slow[\($0)]" }), "finished quick products were lost")
        let leftovers = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? [])
            .filter { $0.contains(".arrakis-tmp") }
        XCTAssertEqual(leftovers, [])
    }

    /// `-j1` reads as `-j 1`; a failed command's standard output is kept in its log with its
    /// standard error, in the order written, and the failure quotes both.
    func testFailedTaskKeepsStdoutAndStderrInItsLog() throws {
        let dir = try scratchDirectory(self)
        try write("product f { output \"f.txt\"; shell \"echo first-on-stdout; echo then-on-stderr >&2; echo last-on-stdout; exit 3\" }\n",
                  to: dir + "/Arrakisfile")
        let r = try arrakis(["build", "-j1", "--progress", "plain"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("exit status 3"), r.stderr)
        XCTAssertTrue(r.stderr.contains("| first-on-stdout\n    | then-on-stderr\n    | last-on-stdout"), r.stderr)
        let logs = try FileManager.default.contentsOfDirectory(atPath: dir + "/.arrakis/logs").filter { $0.hasPrefix("f-") }
        XCTAssertEqual(logs.count, 1)
        XCTAssertEqual(try read(dir + "/.arrakis/logs/" + logs[0]), "first-on-stdout\nthen-on-stderr\nlast-on-stdout\n")
        XCTAssertEqual(try arrakis(["build", "-j", "1", "--dry-run"], in: dir).status, 0)
    }

    func testResourcesFromTheEnvironment() throws {
        let dir = try scratchDirectory(self)
        try write(
            "product p {\n    output \"p.txt\"\n    cpus env(\"CPUS\", 1)\n    retries env(\"RETRIES\", 0)\n    shell \"echo ok > {output}\"\n}\n",
            to: dir + "/Arrakisfile")
        let ok = try arrakis(["build"], in: dir, environment: ["CPUS": "2", "RETRIES": "1"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let bad = try arrakis(["build", "--dry-run"], in: dir, environment: ["CPUS": "two"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("Arrakisfile:3:10: error: environment variable CPUS is 'two', expected an integer"), bad.stderr)
        let zero = try arrakis(["build", "--dry-run"], in: dir, environment: ["CPUS": "0"])
        XCTAssertTrue(zero.stderr.contains("Arrakisfile:3:10: error: 'cpus' must be a positive integer (as in cpus 4), found 0"), zero.stderr)
    }

    func testFanOutOverAGlobHeldInALet() throws {
        let dir = try copyOfExample("shell-demo", self)
        try write(
            "let texts = glob(\"inputs/{name}.txt\")\nlet all = glob(\"inputs/*.txt\")\nproduct n {\n    for name in texts\n    input \"inputs/{name}.txt\"\n    output \"n/{name}.txt\"\n    shell \"wc -l < {input} > {output}\"\n}\nproduct listing {\n    input all\n    output \"listing.txt\"\n    shell \"ls {inputs} > {output}\"\n}\n",
            to: dir + "/Arrakisfile")
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.products, ["n[alpha]", "n[beta]", "n[delta]", "n[epsilon]", "n[gamma]", "listing"])
        let r = try arrakis(["build"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try read(dir + "/listing.txt").split(separator: "\n").count, 5)
    }

    func testGlobWithAStarGivesOneInstancePerDistinctCapture() throws {
        let dir = try scratchDirectory(self)
        for f in ["d/a/x.fits", "d/a/y.fits", "d/b/x.fits"] {
            try write("data\n", to: dir + "/" + f)
        }
        try write(
            "product per_dir {\n    for sub in glob(\"d/{sub}/*.fits\")\n    input glob(\"d/{sub}/*.fits\")\n    output \"out/{sub}.txt\"\n    shell \"cat {inputs} > {output}\"\n}\n",
            to: dir + "/Arrakisfile")
        XCTAssertEqual(try dryRunPlan(in: dir).products, ["per_dir[a]", "per_dir[b]"])
        let r = try arrakis(["build"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try read(dir + "/out/a.txt"), "data\ndata\n")
    }

    func testMalformedArrakisfileGivesOneLocatedError() throws {
        let dir = try scratchDirectory(self)
        try write("product a {\n    output \"a.txt\n}\n", to: dir + "/Arrakisfile")
        let r = try arrakis(["build"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasPrefix("Arrakisfile:2:12: error: unterminated string"), r.stderr)
        XCTAssertTrue(r.stderr.contains("    output \"a.txt\n"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    func testMissingArrakisfileIsNamed() throws {
        let dir = try scratchDirectory(self)
        let r = try arrakis(["build", "-f", "nope.arrakis"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("nope.arrakis"), r.stderr)
    }

    func testUnknownTargetSuggestsNames() throws {
        let dir = try copyOfExample("shell-demo", self)
        let r = try arrakis(["build", "sumary"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("summary"), r.stderr)
    }

    func testGraphFormats() throws {
        let dir = try copyOfExample("shell-demo", self)
        let text = try arrakis(["graph"], in: dir)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("summary (1 instance, 1 new)"), text.stdout)
        let dot = try arrakis(["graph", "--format", "dot"], in: dir)
        XCTAssertTrue(dot.stdout.hasPrefix("digraph arrakis {"), dot.stdout)
        XCTAssertTrue(dot.stdout.contains("\"wc\" -> \"summary\""), dot.stdout)
        let mermaid = try arrakis(["graph", "--format", "mermaid", "--expand"], in: dir)
        XCTAssertTrue(mermaid.stdout.hasPrefix("graph LR"), mermaid.stdout)
        XCTAssertTrue(mermaid.stdout.contains("wc[alpha]"), mermaid.stdout)
        let json = try arrakis(["graph", "--format", "json"], in: dir)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)), json.stdout)

        // Once built, an edited input makes its product out of date (not new).
        XCTAssertEqual(try arrakis(["build"], in: dir).status, 0)
        try write("one two three four\n", to: dir + "/inputs/alpha.txt")
        let after = try arrakis(["graph"], in: dir)
        XCTAssertTrue(after.stdout.contains("wc (5 instances, 1 out of date)"), after.stdout)
        XCTAssertFalse(after.stdout.contains("new"), after.stdout)
    }

    func testCleanRemovesOutputsAndForgetsThem() throws {
        let dir = try copyOfExample("shell-demo", self)
        XCTAssertEqual(try arrakis(["build"], in: dir).status, 0)
        let r = try arrakis(["clean", "wc"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/counts/alpha.count"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/summary.txt"))
        XCTAssertEqual(try dryRunPlan(in: dir).products.filter { $0.hasPrefix("wc[") }.count, 5)
    }
}
