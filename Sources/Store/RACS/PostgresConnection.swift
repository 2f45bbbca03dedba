#if canImport(Glibc)
import Glibc
#endif
import CLibPQ

/// One libpq connection with text-format results. Use from one thread at a time.
///
/// Parameters go to libpq as keyword/value arrays (never a conninfo string), and every
/// message this type produces has the connection's password replaced by `***`.
final class PostgresConnection {
    /// A libpq or server failure; `message` is already scrubbed of the password.
    struct Failure: Error, CustomStringConvertible {
        var message: String
        /// The server's SQLSTATE (`42P01`: no such table), when the server sent one.
        var sqlState: String?
        /// The server asked for a password and none was given.
        var needsPassword = false
        var description: String { message }
    }

    /// A query result: column names and type OIDs, then rows of text values (nil for NULL).
    struct Result {
        var columns: [(name: String, type: UInt32)]
        var rows: [[String?]]
    }

    private let conn: OpaquePointer
    private let secret: String?

    /// Connects with libpq keywords (`host`, `port`, `user`, `password`, `dbname`,
    /// `connect_timeout`, `sslmode`, ...). `dbname` is never expanded as a conninfo string.
    init(parameters: [(key: String, value: String)]) throws(Failure) {
        secret = parameters.last { $0.key == "password" }?.value
        let keys = parameters.map { strdup($0.key) } + [nil]
        let values = parameters.map { strdup($0.value) } + [nil]
        defer { (keys + values).forEach { free($0) } }
        let connection: OpaquePointer? = keys.map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 0)
            }
        }
        guard let connection else { throw Failure(message: "libpq: out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let failure = Failure(message: PostgresConnection.scrub(String(cString: PQerrorMessage(connection)), secret),
                                  needsPassword: PQconnectionNeedsPassword(connection) == 1)
            PQfinish(connection)
            throw failure
        }
        conn = connection
        // Server NOTICEs (`DROP ... IF EXISTS`) would go to stderr: drop them.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    deinit { PQfinish(conn) }

    /// False once the server has gone away; the connection cannot be used again.
    var isOpen: Bool { PQstatus(conn) == CONNECTION_OK }

    /// Runs one statement with `$1`... parameters sent separately from the SQL text.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws(Failure) -> Result {
        let params = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { params.forEach { free($0) } }
        let res = params.map { UnsafePointer($0) }.withUnsafeBufferPointer {
            PQexecParams(conn, sql, Int32(params.count), nil, $0.baseAddress, nil, nil, 0)
        }
        defer { PQclear(res) }
        try check(res, expecting: PGRES_TUPLES_OK, PGRES_COMMAND_OK)
        let nColumns = PQnfields(res), nRows = PQntuples(res)
        let columns = (0..<nColumns).map { (name: String(cString: PQfname(res, $0)), type: UInt32(PQftype(res, $0))) }
        let rows = (0..<nRows).map { r in
            (0..<nColumns).map { c in PQgetisnull(res, r, c) == 1 ? nil : String(cString: PQgetvalue(res, r, c)) }
        }
        return Result(columns: columns, rows: rows)
    }

    /// Runs `COPY ... FROM STDIN` and sends `data` (e.g. a CSV file's bytes).
    func copyIn(_ sql: String, data: [UInt8]) throws(Failure) {
        let start = PQexec(conn, sql)
        defer { PQclear(start) }
        try check(start, expecting: PGRES_COPY_IN)
        let sent = data.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(conn, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1, PQputCopyEnd(conn, nil) == 1 else { throw failure(nil) }
        var outcome: Failure?
        while let res = PQgetResult(conn) {
            if outcome == nil { do throws(Failure) { try check(res, expecting: PGRES_COMMAND_OK) } catch { outcome = error } }
            PQclear(res)
        }
        if let outcome { throw outcome }
    }

    private func check(_ res: OpaquePointer?, expecting statuses: ExecStatusType...) throws(Failure) {
        guard let res, statuses.contains(PQresultStatus(res)) else { throw failure(res) }
    }

    private func failure(_ res: OpaquePointer?) -> Failure {
        let text = res.map { String(cString: PQresultErrorMessage($0)) } ?? ""
        let message = text.isEmpty ? String(cString: PQerrorMessage(conn)) : text
        let state = res.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        return Failure(message: PostgresConnection.scrub(message, secret), sqlState: state)
    }

    /// One line, with any occurrence of the password replaced by `***`.
    static func scrub(_ message: String, _ secret: String?) -> String {
        var m = message
        if let secret, !secret.isEmpty { m = m.replacing(secret, with: "***") }
        return m.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
