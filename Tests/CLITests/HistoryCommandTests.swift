import Foundation
@testable import Store
import XCTest

/// Run history through the CLI: `arrakis runs`, `runs show`, `why`, on the embedded store
/// and on a real PostgreSQL server that goes away in the middle of a build.
final class HistoryCommandTests: XCTestCase {
    static let project = """
    product step {
        for n in ["a", "b", "c"]
        input "inputs/{n}.txt"
        param scale = 2
        output "out/{n}.txt"
        shell "cat {input} > {output}; echo {scale} >> {output}"
    }
    product flaky {
        output "flaky.txt"
        retries 1
        shell "n=$(cat attempts 2>/dev/null || echo 0); echo $((n + 1)) > attempts; [ $n -ge 1 ] && echo ok > {output}"
    }
    product broken {
        output "broken.txt"
        shell "echo 'disk on fire' >&2; exit 5"
    }
    """

    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    func testRunsShowAndWhyOnTheEmbeddedHistory() throws {
        let dir = try scratchDirectory(self)
        try write(Self.project, to: dir + "/Arrakisfile")
        for n in ["a", "b", "c"] { try write("\(n)\n", to: dir + "/inputs/\(n).txt") }
        let build = try arrakis(["build", "-k", "-j", "2", "--progress", "plain"], in: dir)
        XCTAssertEqual(build.status, 1, build.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/.arrakis/history.db"))

        let list = try arrakis(["runs", "--json"], in: dir)
        XCTAssertEqual(list.status, 0, list.stderr)
        let runs = try XCTUnwrap(try json(list.stdout) as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        let run = runs[0]
        let id = try XCTUnwrap(run["id"] as? String)
        XCTAssertEqual(run["outcome"] as? String, "failed")
        XCTAssertEqual(run["executor"] as? String, "local")
        let counts = try XCTUnwrap(run["counts"] as? [String: Int])
        XCTAssertEqual(counts["built"], 4)
        XCTAssertEqual(counts["failed"], 1)
        XCTAssertEqual(counts["planned"], 5)
        XCTAssertTrue((run["commandLine"] as? String ?? "").hasSuffix("build -k -j 2 --progress plain"))
        XCTAssertEqual((run["arrakisfileDigest"] as? String)?.count, 32)
        XCTAssertNotNil(run["ended"] as? String)

        let show = try arrakis(["runs", "show", String(id.prefix(17)), "--json"], in: dir)
        XCTAssertEqual(show.status, 0, show.stderr)
        let shown = try XCTUnwrap(try json(show.stdout) as? [String: Any])
        let tasks = try XCTUnwrap(shown["tasks"] as? [[String: Any]])
        let byAttempt = Dictionary(uniqueKeysWithValues: tasks.map { ("\($0["product"]!)#\($0["attempt"]!)", $0) })
        XCTAssertEqual(Set(byAttempt.keys), ["step[a]#1", "step[b]#1", "step[c]#1", "flaky#1", "flaky#2", "broken#1"])
        XCTAssertEqual(byAttempt["flaky#1"]?["status"] as? String, "retried")
        XCTAssertEqual(byAttempt["flaky#2"]?["status"] as? String, "succeeded")
        let broken = try XCTUnwrap(byAttempt["broken#1"])
        XCTAssertEqual(broken["status"] as? String, "failed")
        XCTAssertEqual(broken["exitStatus"] as? Int, 5)
        XCTAssertTrue((broken["message"] as? String ?? "").contains("disk on fire"))
        let log = try XCTUnwrap(broken["logPath"] as? String)
        XCTAssertTrue(try read(dir + "/" + log).contains("disk on fire"))
        let stepA = try XCTUnwrap(byAttempt["step[a]#1"])
        XCTAssertEqual(stepA["reason"] as? String, "never built")
        XCTAssertEqual((stepA["fingerprint"] as? String)?.count, 32)
        XCTAssertEqual((stepA["outputs"] as? [[String: String]])?.first?["path"], "out/a.txt")
        XCTAssertEqual(stepA["host"] as? String, ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? stepA["host"] as? String)

        let failed = try arrakis(["runs", "show", "latest", "--failed"], in: dir)
        XCTAssertEqual(failed.status, 0, failed.stderr)
        XCTAssertTrue(failed.stdout.contains("run \(id): failed"), failed.stdout)
        XCTAssertTrue(failed.stdout.contains("broken") && failed.stdout.contains("disk on fire"), failed.stdout)
        XCTAssertTrue(failed.stdout.contains("flaky attempt 1"), failed.stdout)
        XCTAssertFalse(failed.stdout.contains("step[a]"), failed.stdout)

        // A changed input: the next run rebuilds step[b], and `why` says which run and why.
        try write("B\n", to: dir + "/inputs/b.txt")
        XCTAssertEqual(try arrakis(["build", "step"], in: dir).status, 0)
        let second = try XCTUnwrap((try json(try arrakis(["runs", "--json", "--limit", "1"], in: dir).stdout) as? [[String: Any]])?.first?["id"] as? String)
        XCTAssertNotEqual(second, id)
        for question in ["step[b]", "out/b.txt"] {
            let why = try arrakis(["why", question], in: dir)
            XCTAssertEqual(why.status, 0, why.stderr)
            XCTAssertTrue(why.stdout.hasPrefix("step[b] was last built by run \(second)"), why.stdout)
            XCTAssertTrue(why.stdout.contains("reason       input inputs/b.txt changed"), why.stdout)
            XCTAssertTrue(why.stdout.contains("scale = 2\n"), why.stdout)
            XCTAssertFalse(why.stdout.contains("i:2"), why.stdout)
            XCTAssertTrue(why.stdout.contains("inputs/b.txt"), why.stdout)
            XCTAssertTrue(why.stdout.contains("step[b]: up to date"), why.stdout)
        }
        let whyA = try arrakis(["why", "step[a]"], in: dir)
        XCTAssertTrue(whyA.stdout.hasPrefix("step[a] was last built by run \(id)"), whyA.stdout)
        XCTAssertTrue(whyA.stdout.contains("reason       never built"), whyA.stdout)
        XCTAssertNotEqual(try arrakis(["why", "step"], in: dir).status, 0)

        let table = try arrakis(["runs"], in: dir)
        XCTAssertTrue(table.stdout.contains(id) && table.stdout.contains(second), table.stdout)
        XCTAssertEqual(try arrakis(["runs", "show", "19990101"], in: dir).status, 2)
    }

    func testHistoryOffRecordsNothing() throws {
        let dir = try scratchDirectory(self)
        try write("product one { output \"one.txt\"; shell \"echo 1 > {output}\" }\n", to: dir + "/Arrakisfile")
        XCTAssertEqual(try arrakis(["build", "--history", "off"], in: dir).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/.arrakis/history.db"))
    }

    func testRunKilledMidwayIsMarkedAbandonedByTheNextBuild() throws {
        let dir = try scratchDirectory(self) + "/project"
        try write(Self.slow, to: dir + "/Arrakisfile")
        let (process, _, _) = try start(["build", "-j", "2"], in: dir, environment: [:])
        waitUntil("out/1.txt is built") { FileManager.default.fileExists(atPath: dir + "/out/1.txt") }
        waitUntil("the history holds the run, still running") {
            let runs = try? json(try arrakis(["runs", "--json"], in: dir).stdout) as? [[String: Any]]
            return runs?.first?["outcome"] as? String == "running"
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        waitForCommandsToEnd(in: dir)
        XCTAssertEqual(try arrakis(["build"], in: dir).status, 0)
        let runs = try XCTUnwrap(try json(try arrakis(["runs", "--json"], in: dir).stdout) as? [[String: Any]])
        XCTAssertEqual(runs.map { $0["outcome"] as? String }, ["succeeded", "abandoned"])
        XCTAssertNil(runs.last?["ended"] as? String)
    }

    func testReadingWithoutHistorySaysSo() throws {
        let dir = try scratchDirectory(self)
        let r = try arrakis(["runs"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("no run history in"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/.arrakis"))
    }

    // MARK: - PostgreSQL going away

    static let slow = """
    product slow {
        for n in range(0, 16)
        output "out/{n}.txt"
        shell "sleep 0.4; echo {n} > {output}"
    }
    """

    /// Starts `arrakis ARGS` with stdout and stderr going to files in `directory`.
    func start(_ args: [String], in directory: String, environment: [String: String]) throws -> (Process, String, String) {
        let process = try arrakisProcess(args, in: directory, environment: environment)
        let out = directory + "/../build.out", err = directory + "/../build.err"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        try process.run()
        return (process, out, err)
    }

    /// Waits until the server holds at least `n` task records.
    func waitForTasks(_ server: HistoryPostgresServer, atLeast n: Int, file: StaticString = #filePath, line: UInt = #line) {
        waitUntil("the build writes \(n) task records to the server", file: file, line: line) {
            guard let c = try? server.connect(), let rows = try? c.query("SELECT count(*) FROM tasks").rows,
                  let text = rows.first?.first ?? nil, let count = Int(text) else { return false }
            return count >= n
        }
    }

    func spoolFiles(_ dir: String) -> [String] {
        allFileContents(under: dir + "/.arrakis/history-spool").map(\.path).filter { $0.hasSuffix(".jsonl") }
    }

    func assertNoPassword(_ password: String, in texts: [String: String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThan(password.count, 8)
        for (name, text) in texts {
            XCTAssertFalse(text.contains(password), "the password appears in \(name)", file: file, line: line)
        }
    }

    /// Acceptance 2 and 4: the server stops while a build runs; the build completes, keeps the
    /// records locally, and after the server is back `arrakis runs` shows the whole run. The
    /// history comes from the Arrakisfile and the password from ARRAKIS_DB_PASSWORD; it is
    /// in no output, file or stored record.
    func testServerStoppedMidBuildThenRestartedLosesNothing() throws {
        let server = try HistoryPostgresServer(self)
        let dir = try scratchDirectory(self) + "/project"
        try write(Self.slow + "\nhistory { url \"\(server.url)\" }\n", to: dir + "/Arrakisfile")
        let env = ["ARRAKIS_DB_PASSWORD": server.password]
        var texts: [String: String] = [:]

        let (process, out, err) = try start(["build", "-j", "2", "--progress", "plain"], in: dir, environment: env)
        waitForTasks(server, atLeast: 2)
        server.stop()
        process.waitUntilExit()
        let stderr = try read(err)
        texts["build stdout"] = try read(out)
        texts["build stderr"] = stderr
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertTrue(stderr.contains("arrakis: 16 built"), stderr)
        XCTAssertEqual(stderr.components(separatedBy: "arrakis: warning:").count - 1, 1, stderr)
        XCTAssertTrue(stderr.contains("cannot reach the history server \(server.url)"), stderr)
        XCTAssertTrue(stderr.contains("keeps its history records in .arrakis/history-spool/"), stderr)
        XCTAssertEqual(spoolFiles(dir).count, 1)
        for (path, text) in allFileContents(under: dir) { texts[path] = text }

        let whileDown = try arrakis(["runs"], in: dir, environment: env)
        XCTAssertEqual(whileDown.status, 2)
        XCTAssertTrue(whileDown.stderr.contains("cannot reach the history server \(server.url)"), whileDown.stderr)
        texts["runs stderr (down)"] = whileDown.stderr

        server.resume()
        let list = try arrakis(["runs", "--json"], in: dir, environment: env)
        XCTAssertEqual(list.status, 0, list.stderr)
        let runs = try XCTUnwrap(try json(list.stdout) as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(runs.first?["outcome"] as? String, "succeeded")
        XCTAssertEqual((runs.first?["counts"] as? [String: Int])?["built"], 16)
        let show = try arrakis(["runs", "show", "latest", "--json"], in: dir, environment: env)
        let tasks = try XCTUnwrap((try json(show.stdout) as? [String: Any])?["tasks"] as? [[String: Any]])
        XCTAssertEqual(Set(tasks.map { $0["product"] as? String ?? "" }), Set((0..<16).map { "slow[\($0)]" }))
        XCTAssertTrue(tasks.allSatisfy { $0["status"] as? String == "succeeded" })
        XCTAssertEqual(spoolFiles(dir), [], "the spool is replayed and removed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/.arrakis/history.db"))

        let why = try arrakis(["why", "slow[7]"], in: dir, environment: env)
        XCTAssertTrue(why.stdout.contains("was last built by run \(runs.first?["id"] as? String ?? "?")"), why.stdout)
        XCTAssertTrue(why.stdout.contains("reason       never built"), why.stdout)

        for (name, r) in [("runs", list), ("runs show", show), ("why", why)] {
            texts[name + " stdout"] = r.stdout
            texts[name + " stderr"] = r.stderr
        }
        for (path, text) in allFileContents(under: dir) { texts[path] = text }
        texts["server tables"] = try server.dump()
        assertNoPassword(server.password, in: texts)
    }

    /// The server comes back while the build still runs (or as it ends): the build writes the
    /// spooled records itself. The password is in the --history URL this time.
    func testServerBackDuringTheBuildGetsTheRecordsFromTheBuild() throws {
        let server = try HistoryPostgresServer(self)
        let dir = try scratchDirectory(self) + "/project"
        try write(Self.slow, to: dir + "/Arrakisfile")
        let url = "postgresql://postgres:\(server.password)@127.0.0.1:\(server.port)/\(HistoryPostgresServer.database)"
        let (process, out, err) = try start(["build", "-j", "2", "--progress", "plain", "--history", url], in: dir, environment: [:])
        waitForTasks(server, atLeast: 2)
        server.stop()
        // Back once the build has found it gone (its one warning), unless the build ended first.
        waitUntil("the build warns that the server is gone") {
            (try? read(err))?.contains("arrakis: warning:") == true || !process.isRunning
        }
        server.resume()
        process.waitUntilExit()
        let stderr = try read(err)
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertEqual(stderr.components(separatedBy: "arrakis: warning:").count - 1, 1, stderr)
        XCTAssertTrue(stderr.contains("postgresql://postgres:***@127.0.0.1:\(server.port)/"), stderr)
        XCTAssertEqual(spoolFiles(dir), [])

        // Everything is on the server before any other command replays anything.
        let c = try server.connect()
        XCTAssertEqual(try c.query("SELECT count(*) FROM tasks WHERE status = 'succeeded'").rows, [["16"]])
        let stored = try c.query("SELECT outcome, built, command_line FROM runs").rows
        XCTAssertEqual(stored.count, 1)
        XCTAssertEqual(stored.first?[0], "succeeded")
        XCTAssertEqual(stored.first?[1], "16")
        XCTAssertTrue(stored.first?[2]?.contains("--history 'postgresql://postgres:***@127.0.0.1:\(server.port)/") == true, "\(stored)")

        let list = try arrakis(["runs", "--history", url], in: dir)
        XCTAssertEqual(list.status, 0, list.stderr)
        var texts = ["build stdout": try read(out), "build stderr": stderr, "runs stdout": list.stdout,
                     "runs stderr": list.stderr, "server tables": try server.dump()]
        for (path, text) in allFileContents(under: dir) { texts[path] = text }
        assertNoPassword(server.password, in: texts)
    }

    // MARK: - Retention

    func testPruneKeepsTheNewestRunsOrTheRecentOnes() throws {
        let dir = try scratchDirectory(self)
        try write("product one { output \"one.txt\"; shell \"date +%s%N > {output}\" }\n", to: dir + "/Arrakisfile")
        for _ in 0..<4 {
            try? FileManager.default.removeItem(atPath: dir + "/one.txt")
            XCTAssertEqual(try arrakis(["build"], in: dir).status, 0)
        }
        let before = try XCTUnwrap(try json(try arrakis(["runs", "--json"], in: dir).stdout) as? [[String: Any]])
        XCTAssertEqual(before.count, 4)
        XCTAssertEqual(try arrakis(["runs", "--prune"], in: dir).status, 64, "--prune needs a limit")
        XCTAssertEqual(try arrakis(["runs", "--prune", "--older-than", "soon"], in: dir).status, 64)
        let pruned = try arrakis(["runs", "--prune", "--keep", "2"], in: dir)
        XCTAssertEqual(pruned.status, 0, pruned.stderr)
        XCTAssertTrue(pruned.stdout.hasPrefix("pruned 2 runs from sqlite:"), pruned.stdout)
        let after = try XCTUnwrap(try json(try arrakis(["runs", "--json"], in: dir).stdout) as? [[String: Any]])
        XCTAssertEqual(after.compactMap { $0["id"] as? String }, before.prefix(2).compactMap { $0["id"] as? String })
        let oldest = try XCTUnwrap(before[3]["id"] as? String)
        XCTAssertEqual(try arrakis(["runs", "show", oldest], in: dir).status, 2, "its tasks went with it")
        XCTAssertTrue(try arrakis(["runs", "--prune", "--older-than", "1d"], in: dir).stdout.hasPrefix("pruned 0 runs"))
        XCTAssertTrue(try arrakis(["runs", "--prune", "--older-than", "0m"], in: dir).stdout.hasPrefix("pruned 2 runs"))
    }

    /// The embedded history's write-ahead log stays small over many builds (each build opens
    /// its own connection, stores a run and a few tasks, closes without a checkpoint).
    func testEmbeddedHistoryWriteAheadLogStaysSmall() throws {
        let dir = try scratchDirectory(self)
        let path = dir + "/history.db"
        var tasksStored = 0
        for n in 0..<400 {
            let history = try SQLRunHistory(SQLiteHistoryConnection(path: path))
            let id = String(format: "run-%05d", n)
            let start = Date()
            try history.store(runs: [RunRecord(id: id, user: "u", host: "h", directory: dir, started: start, commandLine: "arrakis build",
                                               arrakisfileDigest: "d", targets: [], executor: "local")],
                              tasks: (0..<5).map { t in
                                  TaskRecord(runID: id, product: "p[\(t)]", family: "p", attempt: 1, reason: "new",
                                             fingerprint: String(repeating: "f", count: 32), status: .succeeded,
                                             started: start, ended: start, duration: 0.1, host: "h")
                              })
            tasksStored += 5
        }
        let wal = (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        XCTAssertLessThan(wal, 1 << 20, "write-ahead log \(wal) bytes after 400 runs")
        let history = try SQLRunHistory(SQLiteHistoryConnection(path: path))
        XCTAssertEqual(try history.recentRuns(limit: 1000).count, 400)
        XCTAssertEqual(try history.prune(HistoryRetention(keep: 10), now: Date()), 390)
        XCTAssertEqual(try history.tasks(ofRun: "run-00399").count, 5)
        XCTAssertEqual(try history.tasks(ofRun: "run-00000").count, 0)
        _ = tasksStored
    }

    /// The same prune on a PostgreSQL history (the SQL is shared; placeholders differ).
    func testPruneOnPostgreSQL() throws {
        let server = try HistoryPostgresServer(self)
        let dir = try scratchDirectory(self) + "/project"
        try write("product one { output \"one.txt\"; shell \"date +%s%N > {output}\" }\nhistory { url \"\(server.url)\" }\n",
                  to: dir + "/Arrakisfile")
        let env = ["ARRAKIS_DB_PASSWORD": server.password]
        for _ in 0..<3 {
            try? FileManager.default.removeItem(atPath: dir + "/one.txt")
            XCTAssertEqual(try arrakis(["build"], in: dir, environment: env).status, 0)
        }
        let pruned = try arrakis(["runs", "--prune", "--keep", "1", "--older-than", "30d"], in: dir, environment: env)
        XCTAssertEqual(pruned.status, 0, pruned.stderr)
        XCTAssertTrue(pruned.stdout.hasPrefix("pruned 2 runs from postgresql://"), pruned.stdout)
        XCTAssertTrue(pruned.stdout.hasSuffix("; 1 kept\n"), pruned.stdout)
        let runs = try XCTUnwrap(try json(try arrakis(["runs", "--json"], in: dir, environment: env).stdout) as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(try server.connect().query("SELECT COUNT(*) FROM tasks").rows.first?.first ?? nil, "1")
    }
}
