import Foundation
import Testing
@testable import Store

@Suite struct SQLiteHistoryTests {
    @Test func conformance() throws {
        let dir = TemporaryDirectory("history")
        _ = try HistoryConformance.check(try HistoryLocation("sqlite:\(dir.path)/sub/history.db").open())
    }

    @Test func schemaIsMigratedOnceAndANewerOneIsRefused() throws {
        let dir = TemporaryDirectory("history")
        let location = try HistoryLocation(dir.file("history.db"))
        _ = try location.open()
        _ = try location.open()
        let db = try SQLiteConnection(path: dir.file("history.db"))
        let versions = try db.prepare("SELECT version FROM schema_version")
        var seen: [Int64] = []
        while try versions.step() { seen.append(versions.int(0)) }
        #expect(seen == [1])
        try db.execute("INSERT INTO schema_version (version) VALUES (99)")
        #expect(throws: HistoryError.schemaTooNew(location: "sqlite:\(dir.file("history.db"))", found: 99, supported: 1)) {
            _ = try location.open()
        }
    }

    @Test func locations() throws {
        #expect(try HistoryLocation("sqlite:.arrakis/h.db").description == "sqlite:.arrakis/h.db")
        #expect(try HistoryLocation("runs.db").description == "sqlite:runs.db")
        #expect(try HistoryLocation("postgresql://u:secret@db.example:6543/arrakis").description == "postgresql://u:***@db.example:6543/arrakis")
        #expect(throws: HistoryError.self) { try HistoryLocation("postgresql://u@db.example") }
        #expect(throws: HistoryError.self) { try HistoryLocation("mongodb://db.example/x") }
        #expect(throws: HistoryError.self) { try HistoryLocation("history") }
        let error = #expect(throws: HistoryError.self) {
            _ = try HistoryLocation("postgresql://u@db.example/x?password=hunter22").open()
        }
        #expect(error.map { !"\($0)".contains("hunter22") } == true)
    }
}
