#if canImport(Glibc)
import Glibc
#endif

/// Where run history goes: `sqlite:PATH` (or a path ending in `.db`) or
/// `postgresql://[user@]host[:port]/DATABASE[?sslmode=...]`.
///
/// The password comes from `Credentials` (a password file, `ARRAKIS_DB_PASSWORD`, or the
/// URL); `description` never shows it.
public struct HistoryLocation: Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case sqlite(path: String)
        case postgres(DatabaseURL)
    }

    public let kind: Kind
    /// Seconds libpq waits for the server to answer a connection.
    public var connectTimeout = 3

    /// The embedded default under a workspace's state directory.
    public static func embedded(stateDirectory: String) -> HistoryLocation {
        HistoryLocation(kind: .sqlite(path: stateDirectory + "/history.db"))
    }

    public init(kind: Kind) { self.kind = kind }

    public init(_ text: String) throws(HistoryError) {
        if text.hasPrefix("sqlite:") {
            kind = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else if !text.contains("://") {
            guard text.hasSuffix(".db") || text.hasSuffix(".sqlite") else {
                throw .invalidLocation("'\(text)' is not a history location (expected sqlite:PATH or postgresql://[user@]host[:port]/DATABASE)")
            }
            kind = .sqlite(path: text)
        } else {
            let url: DatabaseURL
            do { url = try DatabaseURL(text) } catch { throw .invalidLocation("\(error)") }
            guard url.scheme == "postgresql" || url.scheme == "postgres" else {
                throw .invalidLocation("\(url.redacted): run history is sqlite:PATH or postgresql://[user@]host[:port]/DATABASE")
            }
            guard !url.path.isEmpty else {
                throw .invalidLocation("\(url.redacted): name the history database, e.g. postgresql://\(url.username.map { $0 + "@" } ?? "")\(url.host)/arrakis")
            }
            kind = .postgres(url)
        }
    }

    /// The location for messages and records: the URL without its password.
    public var description: String {
        switch kind {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url): return url.redacted
        }
    }

    public var isServer: Bool { if case .postgres = kind { return true } else { return false } }

    /// The password the URL carries, if any (to resolve credentials with).
    public var urlPassword: String? { if case .postgres(let u) = kind { return u.password } else { return nil } }
    public var urlUsername: String? { if case .postgres(let u) = kind { return u.username } else { return nil } }

    /// Opens the store (one connection) and brings its schema up to date.
    public func open(credentials: Credentials = Credentials(username: nil, password: nil)) throws(HistoryError) -> RunHistory {
        switch kind {
        case .sqlite(let path):
            let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            if !dir.isEmpty { _ = mkdir(dir, 0o755) }
            return try SQLRunHistory(SQLiteHistoryConnection(path: path))
        case .postgres(let url):
            return try SQLRunHistory(PostgresHistoryConnection(parameters: try parameters(url, credentials), location: url.redacted))
        }
    }

    private func parameters(_ url: DatabaseURL, _ credentials: Credentials) throws(HistoryError) -> [(key: String, value: String)] {
        var p: [(key: String, value: String)] = [
            ("host", url.host.removingPercentEncodingSafely), ("port", String(url.port ?? 5432)),
            ("dbname", url.path.removingPercentEncodingSafely),
            ("connect_timeout", String(connectTimeout)), ("client_encoding", "UTF8"),
            ("application_name", "arrakis-history"),
            // A server that vanishes mid-statement is noticed in seconds, not minutes.
            ("tcp_user_timeout", "10000"), ("keepalives_idle", "10"), ("keepalives_interval", "5"),
            ("keepalives_count", "3"),
        ]
        if let user = credentials.username ?? url.username { p.append(("user", user)) }
        if let password = credentials.password ?? url.password { p.append(("password", password)) }
        for item in url.query.split(separator: "&") {
            let pair = item.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncodingSafely }
            guard !["host", "hostaddr", "port", "user", "password", "passfile", "dbname"].contains(pair[0]) else {
                throw .invalidLocation("\(url.scheme)://\(url.host): '\(pair[0])' cannot be set in the URL query (give the password in a password file or ARRAKIS_DB_PASSWORD)")
            }
            p.append((pair[0], pair.count > 1 ? pair[1] : ""))
        }
        return p
    }
}
