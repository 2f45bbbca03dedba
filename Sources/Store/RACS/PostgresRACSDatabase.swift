/// The RACS database on a PostgreSQL server: one database per epoch, `epoch_<N>`, holding
/// the tables `field_data` and `beam_inf_<SBID>-<FIELD_NAME>` with the CSV files'
/// upper-case column names.
///
/// Each epoch's connection is opened on first use and kept. Rows keep the table's column
/// order; integer columns become `.int`, floating-point and numeric ones `.double`,
/// booleans `.bool`, NULL `.null`, anything else `.string`. Use from one thread at a time.
public final class PostgresRACSDatabase: RACSDatabase {
    public var displayName: String { url.redacted }

    private let url: DatabaseURL
    private let host: String
    private let port: Int
    private let username: String?
    private let password: String?
    /// connect_timeout, then the URL's query parameters (sslmode, ...), which win.
    private let options: [(key: String, value: String)]
    private var connections: [Int: PostgresConnection] = [:]

    /// `url` is `postgresql://[user@]host[:port][?sslmode=...]`; its path is ignored (the
    /// database is `epoch_<N>`) and its query parameters go to libpq. The user and password
    /// in `credentials` win over the URL's. Nothing connects until an epoch is read.
    public init(url: DatabaseURL, credentials: Credentials, connectTimeout: Int = 5) throws {
        guard url.scheme == "postgresql" || url.scheme == "postgres" else {
            throw StoreError.invalidURL("\(url.redacted): expected postgresql://host[:port]")
        }
        self.url = url
        host = url.host.removingPercentEncodingSafely
        port = url.port ?? 5432
        username = credentials.username ?? url.username
        password = credentials.password ?? url.password
        var options = [(key: "connect_timeout", value: String(connectTimeout)),
                       (key: "client_encoding", value: "UTF8"), (key: "application_name", value: "arrakis")]
        for item in url.query.split(separator: "&") {
            let pair = item.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncodingSafely }
            guard !["host", "hostaddr", "port", "user", "password", "passfile", "dbname"].contains(pair[0]) else {
                // Not url.redacted: the query itself may hold the password.
                throw StoreError.invalidURL("\(url.scheme)://\(url.host): '\(pair[0])' cannot be set in the URL query (give the password in a password file or ARRAKIS_DB_PASSWORD)")
            }
            options.append((key: pair[0], value: pair.count > 1 ? pair[1] : ""))
        }
        self.options = options
    }

    public func fieldData(epoch: Int) throws -> [FieldObservation] {
        let table = try read("field_data", epoch: epoch, required: RACSColumns.fieldData)
        return try table.rows.indices.map { r in
            FieldObservation(fieldName: try table.text(r, "FIELD_NAME"), sbid: try table.integer(r, "SBID"),
                             selected: try table.flag(r, "SELECT"),
                             scanStart: try table.number(r, "SCAN_START"), scanLength: try table.number(r, "SCAN_TINT"),
                             ra: try table.number(r, "RA_DEG"), dec: try table.number(r, "DEC_DEG"), row: table.rows[r])
        }
    }

    public func beams(epoch: Int, sbid: Int, fieldName: String) throws -> [BeamCentre] {
        let table = try read(RACSColumns.beamTable(sbid: sbid, fieldName: fieldName), epoch: epoch, required: RACSColumns.beamInf)
        return try table.rows.indices.map { r in
            BeamCentre(beam: try table.integer(r, "BEAM_NUM"), ra: try table.number(r, "RA_DEG"),
                       dec: try table.number(r, "DEC_DEG"), row: table.rows[r])
        }
    }

    // MARK: - Connections and tables

    private func location(_ epoch: Int) -> String { "database epoch_\(epoch) on \(url.redacted)" }

    private func connection(_ epoch: Int) throws -> PostgresConnection {
        if let c = connections[epoch], c.isOpen { return c }
        connections[epoch] = nil
        var parameters = [(key: "host", value: host), (key: "port", value: String(port)),
                          (key: "dbname", value: "epoch_\(epoch)")]
        if let username { parameters.append((key: "user", value: username)) }
        if let password { parameters.append((key: "password", value: password)) }
        do {
            let c = try PostgresConnection(parameters: parameters + options)
            try c.query("SET extra_float_digits = 3")  // doubles in text round-trip exactly
            connections[epoch] = c
            return c
        } catch {
            throw connectError(error, epoch: epoch)
        }
    }

    private func connectError(_ f: PostgresConnection.Failure, epoch: Int) -> StoreError {
        let m = f.message, at = "\(host):\(port)", user = username ?? "(login name)"
        if f.needsPassword && (password ?? "").isEmpty {
            return .authentication("user \(user) at \(at) needs a password and none was given (\(url.redacted))")
        }
        if m.contains("password authentication failed") || m.contains("SASL authentication") || m.contains("role \"") {
            return .authentication("password authentication failed for user \(user) at \(at) (\(url.redacted))")
        }
        if m.contains("database \"epoch_\(epoch)\" does not exist") {
            return .input("the RACS database has no epoch \(epoch): database epoch_\(epoch) does not exist on \(url.redacted)")
        }
        let unreachable = ["Connection refused", "timeout expired", "could not translate host name", "No route to host",
                           "Network is unreachable", "Connection timed out", "No such file or directory",
                           "server closed the connection unexpectedly", "the database system is"]
        if unreachable.contains(where: { m.contains($0) }) {
            return .unreachable("cannot reach the RACS database server \(url.redacted) (database epoch_\(epoch)): \(m)")
        }
        return .failed("cannot connect to \(location(epoch)): \(m)")
    }

    /// A whole table as documents; an error naming the table when it or a required column is missing.
    private func read(_ table: String, epoch: Int, required: [String]) throws -> Table {
        let c = try connection(epoch)
        let result: PostgresConnection.Result
        do {
            result = try c.query("SELECT * FROM \(quoted(table))")
        } catch {
            if error.sqlState == "42P01" {
                throw StoreError.input("table \(table) does not exist in \(location(epoch))")
            }
            if !c.isOpen {
                connections[epoch] = nil
                throw StoreError.unreachable("lost the connection to \(location(epoch)) reading table \(table): \(error.message)")
            }
            throw StoreError.failed("reading table \(table) in \(location(epoch)): \(error.message)")
        }
        let names = result.columns.map(\.name)
        for name in required where !names.contains(name) {
            throw StoreError.input("table \(table) in \(location(epoch)) has no column \(name) (columns: \(names.joined(separator: ", ")))")
        }
        let rows = result.rows.map { row in
            Document(zip(result.columns, row).map { (key: $0.name, value: PostgresRACSDatabase.value($1, type: $0.type)) })
        }
        return Table(name: table, location: location(epoch), rows: rows)
    }

    private func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacing("\"", with: "\"\"") + "\""
    }

    /// A text-format value as a document value, by the column's type OID.
    static func value(_ text: String?, type: UInt32) -> DocValue {
        guard let text else { return .null }
        switch type {
        case 20, 21, 23:  // int8, int2, int4
            return Int64(text).map(DocValue.int) ?? .string(text)
        case 700, 701, 1700:  // float4, float8, numeric
            switch text {
            case "NaN": return .double(.nan)
            case "Infinity": return .double(.infinity)
            case "-Infinity": return .double(-.infinity)
            default: return Double(text).map(DocValue.double) ?? .string(text)
            }
        case 16:  // bool
            return .bool(text == "t")
        default:
            return .string(text)
        }
    }

    /// Rows of one table, with typed access to required columns.
    private struct Table {
        var name: String
        var location: String
        var rows: [Document]

        private func bad(_ r: Int, _ column: String, _ what: String) -> StoreError {
            .input("table \(name) in \(location), row \(r + 1): \(column) is not \(what) (\(rows[r][column] ?? .null))")
        }

        func text(_ r: Int, _ column: String) throws -> String {
            switch rows[r][column] {
            case .string(let s)?: return s
            case .int(let i)?: return String(i)
            default: throw bad(r, column, "text")
            }
        }

        func number(_ r: Int, _ column: String) throws -> Double {
            guard let d = rows[r][column]?.double else { throw bad(r, column, "a number") }
            return d
        }

        func integer(_ r: Int, _ column: String) throws -> Int {
            guard let i = rows[r][column]?.int else { throw bad(r, column, "an integer") }
            return Int(i)
        }

        /// SELECT: 1 (or true) chooses the observation.
        func flag(_ r: Int, _ column: String) throws -> Bool {
            if let b = rows[r][column]?.bool { return b }
            return try number(r, column) == 1
        }
    }
}
