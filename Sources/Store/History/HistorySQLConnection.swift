/// A value bound to a statement parameter.
enum SQLValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case null

    static func optional(_ s: String?) -> SQLValue { s.map(SQLValue.text) ?? .null }
    static func optional(_ i: Int64?) -> SQLValue { i.map(SQLValue.integer) ?? .null }
    static func optional(_ i: Int?) -> SQLValue { i.map { .integer(Int64($0)) } ?? .null }
}

/// The SQL connection a `SQLRunHistory` runs on: SQLite or PostgreSQL. Rows come back as
/// text (NULL as nil), which both engines give for every column type history uses.
protocol HistorySQLConnection: AnyObject {
    /// The database for messages, without any password.
    var location: String { get }
    var isConnected: Bool { get }
    /// The text of parameter number `i` (from 1): `?` for SQLite, `$1` for PostgreSQL. A
    /// statement uses each parameter once, in order.
    func placeholder(_ i: Int) -> String
    /// Runs one statement and returns its rows.
    @discardableResult
    func rows(_ sql: String, _ parameters: [SQLValue]) throws(HistoryError) -> [[String?]]
    /// Runs `body` in one transaction: all of it is stored, or none.
    func transaction<T>(_ body: () throws(HistoryError) -> T) throws(HistoryError) -> T
    /// A statement that serialises schema migrations between clients, run first in the
    /// migration's transaction (PostgreSQL: an advisory lock; SQLite's write lock is enough).
    var migrationLock: String? { get }
}
