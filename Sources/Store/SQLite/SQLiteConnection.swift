import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// A thin wrapper over one sqlite3 connection: statements, transactions, errors that
/// name the database file.
public final class SQLiteConnection {
    public let path: String
    let db: OpaquePointer

    public init(path: String) throws {
        self.path = path
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let handle { sqlite3_close(handle) }
            throw StoreError.unreachable("sqlite:\(path): cannot open: \(message)")
        }
        db = handle
        sqlite3_busy_timeout(db, 10_000)
        try enableWriteAheadLog(timeout: 10)
        try execute("PRAGMA synchronous=NORMAL")
    }

    /// Switching to WAL needs a moment of exclusive access, and SQLite answers BUSY at once
    /// (without its busy handler) when another connection opens the same new file at the
    /// same time, as parallel tasks do: retry for up to `timeout` seconds.
    private func enableWriteAheadLog(timeout: Double) throws {
        var waited = 0.0
        var pause = 0.002
        while true {
            let rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", nil, nil, nil)
            if rc == SQLITE_OK { return }
            guard rc == SQLITE_BUSY || rc == SQLITE_LOCKED, waited < timeout else {
                throw error("'PRAGMA journal_mode=WAL'")
            }
            sqlite3_sleep(Int32(pause * 1000))
            waited += pause
            pause = min(pause * 2, 0.1)
        }
    }

    deinit { sqlite3_close_v2(db) }

    func error(_ what: String) -> StoreError {
        .failed("sqlite:\(path): \(what): \(String(cString: sqlite3_errmsg(db)))")
    }

    /// Switches the journal mode (`wal`, `delete`); false when SQLite kept another one
    /// (another connection has a write-ahead-logged database open, or a transaction is open).
    public func setJournalMode(_ mode: String) -> Bool {
        guard let stmt = try? prepare("PRAGMA journal_mode=\(mode)"), (try? stmt.step()) == true else { return false }
        return stmt.text(0)?.lowercased() == mode
    }

    /// Rows the last INSERT, UPDATE or DELETE changed (0 when `INSERT OR IGNORE` ignored one).
    public var changes: Int { Int(sqlite3_changes(db)) }

    public func execute(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw error("'\(sql.prefix(60))'") }
    }

    public func prepare(_ sql: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            throw error("cannot prepare '\(sql.prefix(80))'")
        }
        return SQLiteStatement(stmt, connection: self)
    }

    /// Runs `body` in one IMMEDIATE transaction (a savepoint when one is already open):
    /// all of it is stored, or none.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        let nested = sqlite3_get_autocommit(db) == 0
        try execute(nested ? "SAVEPOINT arrakis" : "BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute(nested ? "RELEASE arrakis" : "COMMIT")
            return result
        } catch {
            if nested {
                try? execute("ROLLBACK TO arrakis")
                try? execute("RELEASE arrakis")
            } else {
                try? execute("ROLLBACK")
            }
            throw error
        }
    }
}

/// A prepared statement; reset after each use.
public final class SQLiteStatement {
    let stmt: OpaquePointer
    unowned let connection: SQLiteConnection

    init(_ stmt: OpaquePointer, connection: SQLiteConnection) {
        self.stmt = stmt
        self.connection = connection
    }

    deinit { sqlite3_finalize(stmt) }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    public func bind(_ index: Int32, _ text: String?) {
        if let text {
            sqlite3_bind_text(stmt, index, text, -1, Self.transient)
        } else {
            sqlite3_bind_null(stmt, index)
        }
    }

    /// Binds UTF-8 text given as bytes (no String in between).
    public func bind(_ index: Int32, utf8 bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { b in
            _ = b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) {
                sqlite3_bind_text(stmt, index, $0, Int32(b.count), Self.transient)
            }
        }
    }

    /// Binds UTF-8 text at `base[range]` without copying it: the caller keeps the bytes
    /// alive until the statement has been stepped and reset.
    public func bind(_ index: Int32, borrowing base: UnsafePointer<UInt8>, _ range: Range<Int>) {
        (base + range.lowerBound).withMemoryRebound(to: CChar.self, capacity: range.count) {
            _ = sqlite3_bind_text(stmt, index, $0, Int32(range.count), nil)
        }
    }

    public func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(stmt, index, value)
    }

    /// Steps once; true while there is a row.
    public func step() throws -> Bool {
        switch sqlite3_step(stmt) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error("statement failed")
        }
    }

    public func text(_ column: Int32) -> String? {
        guard let p = sqlite3_column_text(stmt, column) else { return nil }
        return String(cString: p)
    }

    public func int(_ column: Int32) -> Int64 { sqlite3_column_int64(stmt, column) }

    /// Whether a text column of the current row holds exactly the bytes `base[range]`.
    public func textEquals(_ column: Int32, _ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard let p = sqlite3_column_text(stmt, column) else { return false }
        return Int(sqlite3_column_bytes(stmt, column)) == range.count && memcmp(p, base + range.lowerBound, range.count) == 0
    }

    public func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }
}
