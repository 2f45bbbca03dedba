import Foundation

/// `RunHistory` over a SQL connection (SQLite or PostgreSQL): the schema is migrated when
/// it opens; writes are multi-row upserts in one transaction.
final class SQLRunHistory: RunHistory {
    private let db: HistorySQLConnection
    /// Rows per INSERT statement (keeps under SQLite's and libpq's parameter limits).
    private let rowsPerStatement = 50

    init(_ db: HistorySQLConnection) throws(HistoryError) {
        self.db = db
        try HistorySchema.migrate(db)
    }

    var location: String { db.location }
    var isConnected: Bool { db.isConnected }

    // MARK: - Writing

    func store(runs: [RunRecord], tasks: [TaskRecord]) throws(HistoryError) {
        let runs = Self.lastOfEach(runs, by: \.id)
        let tasks = Self.lastOfEach(tasks) { TaskKey(run: $0.runID, product: $0.product, attempt: $0.attempt) }
        guard !runs.isEmpty || !tasks.isEmpty else { return }
        try db.transaction { () throws(HistoryError) in
            for chunk in Self.chunks(runs, rowsPerStatement) {
                try upsert("runs", RunColumns.names, key: ["id"], rows: chunk.map(RunColumns.values))
            }
            for chunk in Self.chunks(tasks, rowsPerStatement) {
                try upsert("tasks", TaskColumns.names, key: ["run_id", "product", "attempt"], rows: chunk.map(TaskColumns.values))
            }
        }
    }

    private struct TaskKey: Hashable {
        var run: String
        var product: String
        var attempt: Int
    }

    /// The last record of each key, in first-seen order (one statement may not update a row twice).
    private static func lastOfEach<T, K: Hashable>(_ items: [T], by key: (T) -> K) -> [T] {
        var index: [K: Int] = [:]
        var out: [T] = []
        for item in items {
            let k = key(item)
            if let i = index[k] { out[i] = item } else { index[k] = out.count; out.append(item) }
        }
        return out
    }

    private static func chunks<T>(_ items: [T], _ size: Int) -> [ArraySlice<T>] {
        stride(from: 0, to: items.count, by: size).map { items[$0..<min($0 + size, items.count)] }
    }

    private func upsert(_ table: String, _ columns: [String], key: [String], rows: [[SQLValue]]) throws(HistoryError) {
        var n = 0
        let tuples = rows.map { row in
            "(" + row.map { _ in n += 1; return db.placeholder(n) }.joined(separator: ", ") + ")"
        }
        let updates = columns.filter { !key.contains($0) }.map { "\($0) = excluded.\($0)" }
        let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))"
            + " ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))"
        try db.rows(sql, rows.flatMap { $0 })
    }

    // MARK: - Pruning

    func prune(_ retention: HistoryRetention, now: Date) throws(HistoryError) -> Int {
        guard !retention.isEmpty else { return 0 }
        // The condition a run is deleted on, with its parameters in order (each used once).
        func condition(from first: Int) -> (String, [SQLValue]) {
            var parts: [String] = []
            var values: [SQLValue] = []
            if let keep = retention.keep {
                parts.append("id NOT IN (SELECT id FROM runs ORDER BY started_ms DESC, id DESC LIMIT \(db.placeholder(first + values.count)))")
                values.append(.integer(Int64(max(0, keep))))
            }
            if let age = retention.maximumAge {
                parts.append("started_ms < \(db.placeholder(first + values.count))")
                values.append(.integer(HistoryTime.milliseconds(now.addingTimeInterval(-age))))
            }
            return (parts.joined(separator: " OR "), values)
        }
        return try db.transaction { () throws(HistoryError) -> Int in
            let (which, values) = condition(from: 1)
            let n = try db.rows("SELECT COUNT(*) FROM runs WHERE \(which)", values).first?.first?.flatMap { Int($0) } ?? 0
            guard n > 0 else { return 0 }
            try db.rows("DELETE FROM tasks WHERE run_id IN (SELECT id FROM runs WHERE \(which))", values)
            try db.rows("DELETE FROM runs WHERE \(which)", values)
            return n
        }
    }

    // MARK: - Reading

    func recentRuns(limit: Int) throws(HistoryError) -> [RunRecord] {
        try db.rows("SELECT \(RunColumns.list) FROM runs ORDER BY started_ms DESC, id DESC LIMIT \(db.placeholder(1))",
                    [.integer(Int64(max(0, limit)))]).map(decodeRun)
    }

    func run(matching id: String) throws(HistoryError) -> RunRecord {
        if id == "latest" || id == "last" {
            guard let newest = try recentRuns(limit: 1).first else {
                throw .noSuchRun(location: location, id: id, candidates: [])
            }
            return newest
        }
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw .noSuchRun(location: location, id: id, candidates: [])
        }
        let select = "SELECT \(RunColumns.list) FROM runs WHERE "
        if let exact = try db.rows(select + "id = \(db.placeholder(1))", [.text(id)]).first {
            return try decodeRun(exact)
        }
        let matches = try db.rows(select + "id LIKE \(db.placeholder(1)) ORDER BY id LIMIT 6", [.text(id + "%")])
        guard matches.count == 1 else {
            throw .noSuchRun(location: location, id: id, candidates: matches.compactMap { $0.first ?? nil })
        }
        return try decodeRun(matches[0])
    }

    func tasks(ofRun id: String) throws(HistoryError) -> [TaskRecord] {
        try db.rows("SELECT \(TaskColumns.list) FROM tasks WHERE run_id = \(db.placeholder(1)) ORDER BY ended_ms, product, attempt",
                    [.text(id)]).map(decodeTask)
    }

    func lastBuild(of product: String) throws(HistoryError) -> TaskRecord? {
        try db.rows("SELECT \(TaskColumns.list) FROM tasks WHERE product = \(db.placeholder(1)) AND status = 'succeeded'"
                    + " ORDER BY ended_ms DESC LIMIT 1", [.text(product)]).first.map(decodeTask)
    }

    func meanDurations(overRuns runs: Int) throws(HistoryError) -> [String: FamilyDuration] {
        let rows = try db.rows("""
            SELECT family, AVG(duration_us), COUNT(*) FROM tasks
            WHERE status = 'succeeded' AND run_id IN (SELECT id FROM runs ORDER BY started_ms DESC LIMIT \(db.placeholder(1)))
            GROUP BY family
            """, [.integer(Int64(max(1, runs)))])
        var out: [String: FamilyDuration] = [:]
        for r in rows {
            guard let family = r[0], let mean = r[1].flatMap(Double.init), let n = r[2].flatMap(Int.init) else { continue }
            out[family] = FamilyDuration(meanSeconds: mean / 1_000_000, samples: n)
        }
        return out
    }

    // MARK: - Rows

    private func decodeRun(_ r: [String?]) throws(HistoryError) -> RunRecord {
        do { return try RunColumns.record(r) } catch { throw .failed(location: location, detail: "unreadable run record: \(error)") }
    }

    private func decodeTask(_ r: [String?]) throws(HistoryError) -> TaskRecord {
        do { return try TaskColumns.record(r) } catch { throw .failed(location: location, detail: "unreadable task record: \(error)") }
    }
}
