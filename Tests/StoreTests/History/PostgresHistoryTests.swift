import Foundation
import Testing
@testable import Store

/// The PostgreSQL backend against the real server of Support/PostgresTestServer.swift, each
/// test in a database of its own.
@Suite struct PostgresHistoryTests {
    let server: PostgresTestServer

    init() async throws {
        server = try await PostgresTestServer.shared()
    }

    /// A fresh, empty database; its URL carries no password (that comes from credentials).
    func freshDatabase() throws -> HistoryLocation {
        let name = "history_\(UInt32.random(in: 0...UInt32.max))"
        try server.connect("postgres").query("CREATE DATABASE \(name)")
        return try HistoryLocation("postgresql://postgres@127.0.0.1:\(server.port)/\(name)")
    }

    @Test func conformance() throws {
        let location = try freshDatabase()
        _ = try HistoryConformance.check(try location.open(credentials: server.credentials))
    }

    @Test func sameRecordsFromSQLiteAndPostgreSQL() throws {
        let dir = TemporaryDirectory("history")
        let fromSQLite = try HistoryConformance.check(try HistoryLocation(dir.file("h.db")).open())
        let fromPostgres = try HistoryConformance.check(try freshDatabase().open(credentials: server.credentials))
        #expect(fromSQLite == fromPostgres)
        #expect(fromSQLite.count == 2 + 6 + 260)
    }

    @Test func controllersStartingTogetherMigrateOnce() async throws {
        let location = try freshDatabase()
        let credentials = server.credentials
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { _ = try location.open(credentials: credentials) } }
            try await group.waitForAll()
        }
        guard case .postgres(let url) = location.kind else { return }
        let versions = try server.connect(url.path).query("SELECT version FROM schema_version").rows
        #expect(versions == [["1"]])
    }

    @Test func wrongPasswordIsAnAuthenticationErrorWithoutThePassword() throws {
        let location = try freshDatabase()
        let wrong = "wrong-\(UInt32.random(in: 0...UInt32.max))"
        let error = #expect(throws: HistoryError.self) {
            _ = try location.open(credentials: Credentials(username: "postgres", password: wrong))
        }
        guard case .authentication(let where_, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(where_ == location.description)
        #expect(!"\(error!)".contains(wrong) && !"\(error!)".contains(server.password))
    }

    @Test func missingDatabaseSaysHowToCreateIt() throws {
        let location = try HistoryLocation("postgresql://postgres@127.0.0.1:\(server.port)/no_such_history")
        let error = #expect(throws: HistoryError.self) { _ = try location.open(credentials: server.credentials) }
        #expect("\(error!)".contains("CREATE DATABASE"))
    }

    @Test func recorderHoldsOneConnectionAndWritesEverything() throws {
        let location = try freshDatabase()
        guard case .postgres(let url) = location.kind else { return }
        let credentials = server.credentials
        let admin = try server.connect("postgres")
        func sessions() throws -> Int {
            Int(try admin.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'arrakis-history' AND datname = $1",
                                [url.path]).rows[0][0] ?? "0") ?? 0
        }
        let spoolDir = TemporaryDirectory("spool")
        let run = HistoryFixtures.run("20251124-110000-cccc", outcome: .running)
        let recorder = HistoryRecorder(history: try location.open(credentials: credentials),
                                       opener: { () throws(HistoryError) in try location.open(credentials: credentials) },
                                       spool: HistorySpool(directory: spoolDir.path, runID: run.id),
                                       policy: .init(batchInterval: 0.05), warn: { Issue.record("unexpected warning: \($0)") })
        recorder.record(run)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<250 {
                var t = HistoryFixtures.tasks(run.id)[0]
                t.product = "p[\(worker), \(i)]"
                recorder.record(t)
            }
        }
        #expect(try sessions() == 1)
        let summary = recorder.close()
        #expect(summary.written == 2001 && summary.spooled == 0 && summary.lost == 0 && summary.connections == 1)
        #expect(try location.open(credentials: credentials).tasks(ofRun: run.id).count == 2000)
    }
}
