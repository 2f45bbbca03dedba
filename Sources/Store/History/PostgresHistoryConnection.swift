/// History on a PostgreSQL server through libpq: one connection, opened once and never
/// reopened (open a new history to reconnect).
final class PostgresHistoryConnection: HistorySQLConnection {
    private let connection: PostgresConnection
    let location: String

    /// Connects with libpq keywords (host, port, user, password, dbname, ...). Failures are
    /// classified: `.unreachable` (the server is down or unreachable: retry later),
    /// `.authentication`, or `.failed`.
    init(parameters: [(key: String, value: String)], location: String) throws(HistoryError) {
        self.location = location
        do {
            connection = try PostgresConnection(parameters: parameters)
        } catch {
            throw Self.classify(error, location: location, lost: false)
        }
    }

    var isConnected: Bool { connection.isOpen }

    /// One lock number for every arrakis: "arrakis-history" folded to 63 bits.
    var migrationLock: String? { "SELECT pg_advisory_xact_lock(7315964251884020113)" }

    func placeholder(_ i: Int) -> String { "$\(i)" }

    @discardableResult
    func rows(_ sql: String, _ parameters: [SQLValue]) throws(HistoryError) -> [[String?]] {
        let texts: [String?] = parameters.map {
            switch $0 {
            case .text(let s): return s
            case .integer(let v): return String(v)
            case .null: return nil
            }
        }
        do {
            return try connection.query(sql, texts).rows
        } catch {
            throw Self.classify(error, location: location, lost: !connection.isOpen)
        }
    }

    func transaction<T>(_ body: () throws(HistoryError) -> T) throws(HistoryError) -> T {
        try rows("BEGIN", [])
        do {
            let result = try body()
            try rows("COMMIT", [])
            return result
        } catch {
            if connection.isOpen { _ = try? rows("ROLLBACK", []) }
            throw error
        }
    }

    /// Sorts a libpq failure into what the user can do about it.
    /// `lost`: the connection was open and is not any more.
    static func classify(_ f: PostgresConnection.Failure, location: String, lost: Bool) -> HistoryError {
        let m = f.message
        if f.needsPassword {
            return .authentication(location: location, detail: "the server asks for a password and none was given")
        }
        if m.contains("password authentication failed") || m.contains("SASL authentication") || m.contains("role \"") {
            return .authentication(location: location, detail: m)
        }
        let down = ["Connection refused", "timeout expired", "could not translate host name", "No route to host",
                    "Network is unreachable", "Connection timed out", "No such file or directory",
                    "server closed the connection", "the database system is", "terminating connection",
                    "no connection to the server", "Connection reset", "Broken pipe", "SSL SYSCALL", "could not receive data",
                    "could not send data"]
        if lost || down.contains(where: { m.contains($0) }) || f.sqlState?.hasPrefix("08") == true
            || f.sqlState == "57P01" || f.sqlState == "57P03" {
            return .unreachable(location: location, detail: m)
        }
        if m.contains("does not exist"), m.contains("database") {
            return .failed(location: location, detail: "\(m) (create it: createdb, or CREATE DATABASE as an administrator)")
        }
        return .failed(location: location, detail: m)
    }
}
