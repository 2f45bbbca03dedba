import Foundation
import Testing
@testable import Store

/// What every `RunHistory` backend must do; the SQLite and PostgreSQL suites run it.
enum HistoryConformance {
    /// Stores two runs (the first one twice: running, then finished) and their tasks, and
    /// checks everything reads back equal. Returns what it read, to compare backends.
    static func check(_ h: RunHistory) throws -> [String] {
        let early = HistoryFixtures.run("20251124-100000-aaaa", outcome: .running)
        try h.store(runs: [early], tasks: [])
        #expect(try h.run(matching: early.id) == early)

        let first = HistoryFixtures.run("20251124-100000-aaaa")
        let second = HistoryFixtures.run("20251124-103000-bbbb", minutesAfter: 30, outcome: .failed)
        let tasks1 = HistoryFixtures.tasks(first.id), tasks2 = HistoryFixtures.tasks(second.id, minutesAfter: 30)
        try h.store(runs: [first, second], tasks: tasks1 + tasks2)
        // Storing again (a replayed spool) changes nothing.
        try h.store(runs: [first], tasks: tasks1)

        #expect(try h.recentRuns(limit: 10) == [second, first])
        #expect(try h.recentRuns(limit: 1) == [second])
        #expect(try h.run(matching: first.id) == first)
        #expect(try h.run(matching: "20251124-1030") == second)
        #expect(try h.run(matching: "latest") == second)
        #expect(throws: HistoryError.noSuchRun(location: h.location, id: "20251124", candidates: [first.id, second.id])) {
            try h.run(matching: "20251124")
        }
        #expect(throws: HistoryError.noSuchRun(location: h.location, id: "1999", candidates: [])) { try h.run(matching: "1999") }
        #expect(throws: HistoryError.noSuchRun(location: h.location, id: "x' OR 1=1 --", candidates: [])) {
            try h.run(matching: "x' OR 1=1 --")
        }
        #expect(try h.tasks(ofRun: first.id) == tasks1)
        #expect(try h.tasks(ofRun: second.id) == tasks2)
        #expect(try h.tasks(ofRun: "nope").isEmpty)
        #expect(try h.lastBuild(of: "cutout[RACS_1237+12A, 3165]") == tasks2[0])
        #expect(try h.lastBuild(of: "spectra[RACS_1237+12A]") == nil)

        let means = try h.meanDurations(overRuns: 10)
        #expect(means.keys.sorted() == ["cutout"])
        #expect(abs((means["cutout"]?.meanSeconds ?? 0) - 1.500_001) < 1e-9)
        #expect(means["cutout"]?.samples == 2)

        // Many records in one batch (several INSERT statements).
        let many = (0..<260).map { i in
            TaskRecord(runID: second.id, product: "bulk[\(i)]", family: "bulk", attempt: 1, reason: "new key",
                       fingerprint: "f", status: .succeeded, started: HistoryFixtures.base, ended: HistoryFixtures.base,
                       duration: Double(i) / 1000, host: "h")
        }
        try h.store(runs: [], tasks: many + many.prefix(10))
        #expect(try h.tasks(ofRun: second.id).count == tasks2.count + 260)
        #expect(abs((try h.meanDurations(overRuns: 1)["bulk"]?.meanSeconds ?? 0) - 0.1295) < 1e-9)

        let all = try h.recentRuns(limit: 10).map { "\($0)" } + (try h.tasks(ofRun: first.id) + h.tasks(ofRun: second.id)).map { "\($0)" }
        return all
    }
}
