import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// History on an SQLite file (the default, `.arrakis/history.db`).
final class SQLiteHistoryConnection: HistorySQLConnection {
    private let connection: SQLiteConnection
    let location: String

    init(path: String) throws(HistoryError) {
        location = "sqlite:\(path)"
        do { connection = try SQLiteConnection(path: path) } catch {
            throw .failed(location: "sqlite:\(path)", detail: "\(error) (is the directory writable?)")
        }
        // No checkpoint (and fsync) when a build closes the file while the write-ahead log
        // is small: that would sit on every build's exit path. Past `walSizeLimit`, the
        // closing connection checkpoints and truncates it (see deinit). Left to SQLite's
        // automatic checkpoints, the log of one short-lived connection per build was never
        // restarted: 2.5 MB after 100 tiny builds, and growing (a lower
        // `wal_autocheckpoint` copied pages into the database but did not restart it either).
        _ = arrakis_sqlite3_db_config_flag(connection.db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1)
        try? connection.execute("PRAGMA journal_size_limit=\(Self.walSizeLimit)")
    }

    /// Bytes of write-ahead log past which closing the connection checkpoints and truncates it.
    static let walSizeLimit = 1 << 20

    deinit {
        var st = stat()
        guard stat(connection.path + "-wal", &st) == 0, Int(st.st_size) > Self.walSizeLimit else { return }
        // TRUNCATE waits (busy timeout) for other connections' readers, copies the log into
        // the database, fsyncs it and empties the log; if it cannot, the next close tries again.
        try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    var isConnected: Bool { true }
    var migrationLock: String? { nil }

    /// Plain `?`: parameters are bound by position, and every statement uses each once, in
    /// order. (`?NNN` makes SQLite look each number up in a list as it parses: quadratic in
    /// a 50-row upsert's 850 parameters.)
    func placeholder(_ i: Int) -> String { "?" }

    @discardableResult
    func rows(_ sql: String, _ parameters: [SQLValue]) throws(HistoryError) -> [[String?]] {
        do {
            let statement = try connection.prepare(sql)
            for (i, p) in parameters.enumerated() {
                switch p {
                case .text(let s): statement.bind(Int32(i + 1), s)
                case .integer(let v): statement.bind(Int32(i + 1), v)
                case .null: statement.bind(Int32(i + 1), nil as String?)
                }
            }
            let columns = sqlite3_column_count(statement.stmt)
            var out: [[String?]] = []
            while try statement.step() {
                out.append((0..<columns).map { statement.text($0) })
            }
            return out
        } catch {
            throw .failed(location: location, detail: "\(error)")
        }
    }

    func transaction<T>(_ body: () throws(HistoryError) -> T) throws(HistoryError) -> T {
        do {
            return try connection.transaction { try body() }
        } catch let e as HistoryError {
            throw e
        } catch {
            throw .failed(location: location, detail: "\(error)")
        }
    }
}
