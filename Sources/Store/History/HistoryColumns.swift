import Foundation

/// A column that should hold a value did not.
struct BadColumn: Error, CustomStringConvertible {
    var column: String
    var description: String { "column \(column) is missing or malformed" }
}

/// Reads the text values of one row by position.
struct RowReader {
    let row: [String?]
    let names: [String]
    private(set) var index = 0

    init(_ row: [String?], names: [String]) {
        self.row = row
        self.names = names
    }

    mutating func optional() -> String? {
        defer { index += 1 }
        return index < row.count ? row[index] : nil
    }

    mutating func text() throws -> String {
        let name = index < names.count ? names[index] : "#\(index)"
        guard let v = optional() else { throw BadColumn(column: name) }
        return v
    }

    mutating func integer() throws -> Int64 {
        let name = index < names.count ? names[index] : "#\(index)"
        guard let v = Int64(try text()) else { throw BadColumn(column: name) }
        return v
    }

    mutating func optionalInteger() throws -> Int64? {
        let name = index < names.count ? names[index] : "#\(index)"
        guard let t = optional() else { return nil }
        guard let v = Int64(t) else { throw BadColumn(column: name) }
        return v
    }

    mutating func json<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try text().utf8))
    }
}

func jsonText<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(value)) ?? Data("[]".utf8), as: UTF8.self)
}

/// The `runs` table's columns, in the order of `values` and `record`.
enum RunColumns {
    static let names = ["id", "user_name", "host", "directory", "started_ms", "ended_ms", "command_line",
                        "arrakisfile_digest", "targets", "executor", "outcome",
                        "planned", "built", "unchanged", "up_to_date", "failed", "skipped"]
    static let list = names.joined(separator: ", ")

    static func values(_ r: RunRecord) -> [SQLValue] {
        let c = r.counts
        return [.text(r.id), .text(r.user), .text(r.host), .text(r.directory),
                .integer(HistoryTime.milliseconds(r.started)), .optional(r.ended.map(HistoryTime.milliseconds)),
                .text(r.commandLine), .text(r.arrakisfileDigest), .text(jsonText(r.targets)), .text(r.executor),
                .text(r.outcome.rawValue)] + [c.planned, c.built, c.unchanged, c.upToDate, c.failed, c.skipped].map { .integer(Int64($0)) }
    }

    static func record(_ row: [String?]) throws -> RunRecord {
        var r = RowReader(row, names: names)
        let id = try r.text(), user = try r.text(), host = try r.text(), dir = try r.text()
        let started = HistoryTime.date(milliseconds: try r.integer())
        let ended = try r.optionalInteger().map { HistoryTime.date(milliseconds: $0) }
        let command = try r.text(), digest = try r.text()
        let targets = try r.json([String].self)
        let executor = try r.text()
        guard let outcome = RunRecord.Outcome(rawValue: try r.text()) else { throw BadColumn(column: "outcome") }
        var counts = RunRecord.Counts()
        counts.planned = Int(try r.integer())
        counts.built = Int(try r.integer())
        counts.unchanged = Int(try r.integer())
        counts.upToDate = Int(try r.integer())
        counts.failed = Int(try r.integer())
        counts.skipped = Int(try r.integer())
        return RunRecord(id: id, user: user, host: host, directory: dir, started: started, ended: ended,
                         commandLine: command, arrakisfileDigest: digest, targets: targets, executor: executor,
                         outcome: outcome, counts: counts)
    }
}

/// The `tasks` table's columns, in the order of `values` and `record`.
enum TaskColumns {
    static let names = ["run_id", "product", "attempt", "family", "reason", "fingerprint", "status",
                        "started_ms", "ended_ms", "duration_us", "peak_memory_kb", "host", "job_id",
                        "exit_status", "message", "log_path", "outputs"]
    static let list = names.joined(separator: ", ")

    static func values(_ t: TaskRecord) -> [SQLValue] {
        [.text(t.runID), .text(t.product), .integer(Int64(t.attempt)), .text(t.family), .text(t.reason),
         .text(t.fingerprint), .text(t.status.rawValue),
         .integer(HistoryTime.milliseconds(t.started)), .integer(HistoryTime.milliseconds(t.ended)),
         .integer(HistoryTime.microseconds(t.duration)), .optional(t.peakMemoryKB), .text(t.host), .optional(t.jobID),
         .optional(t.exitStatus), .optional(t.message), .optional(t.logPath), .text(outputsJSON(t.outputs))]
    }

    /// `jsonText(outputs)`, written directly when no string needs escaping (every path and
    /// digest of a normal build): JSONEncoder costs more per task than the task's record.
    static func outputsJSON(_ outputs: [TaskRecord.Output]) -> String {
        func plain(_ s: String) -> Bool {
            s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        }
        guard outputs.allSatisfy({ plain($0.path) && plain($0.digest) }) else { return jsonText(outputs) }
        var out = "["
        for (i, o) in outputs.enumerated() {
            if i > 0 { out += "," }
            out += "{\"digest\":\"" + o.digest + "\",\"path\":\"" + o.path + "\"}"
        }
        return out + "]"
    }

    static func record(_ row: [String?]) throws -> TaskRecord {
        var r = RowReader(row, names: names)
        let run = try r.text(), product = try r.text()
        let attempt = Int(try r.integer())
        let family = try r.text(), reason = try r.text(), fingerprint = try r.text()
        guard let status = TaskRecord.Status(rawValue: try r.text()) else { throw BadColumn(column: "status") }
        let started = HistoryTime.date(milliseconds: try r.integer())
        let ended = HistoryTime.date(milliseconds: try r.integer())
        let duration = HistoryTime.seconds(microseconds: try r.integer())
        let memory = try r.optionalInteger()
        let host = try r.text()
        let job = r.optional()
        let exit = try r.optionalInteger().map { Int($0) }
        let message = r.optional(), log = r.optional()
        let outputs = try r.json([TaskRecord.Output].self)
        return TaskRecord(runID: run, product: product, family: family, attempt: attempt, reason: reason,
                          fingerprint: fingerprint, status: status, started: started, ended: ended, duration: duration,
                          peakMemoryKB: memory, host: host, jobID: job, exitStatus: exit, message: message,
                          logPath: log, outputs: outputs)
    }
}
