/// Opens the pipeline and RACS databases named by URLs or paths.
public enum DatabaseOpener {
    /// Seconds to wait for a database server before calling it unreachable.
    public static let defaultTimeout = 5.0

    /// `sqlite:PATH` (or a bare path ending in .db/.sqlite) opens the embedded store;
    /// `mongodb://[user@]host[:port]` or a bare host opens MongoDB.
    /// `timeout` (seconds) bounds server selection and connecting (MongoDB's
    /// serverSelectionTimeoutMS and connectTimeoutMS).
    public static func pipeline(_ location: String, credentials: Credentials,
                                timeout: Double = defaultTimeout) throws -> PipelineDatabase {
        if location.hasPrefix("sqlite:") {
            return try SQLitePipelineDatabase(path: String(location.dropFirst("sqlite:".count)))
        }
        if location.hasSuffix(".db") || location.hasSuffix(".sqlite") {
            return try SQLitePipelineDatabase(path: location)
        }
        // A bare host means MongoDB, as spice_init's positional `host` does.
        let url = try DatabaseURL(location.contains("://") ? location : "mongodb://\(location)")
        guard url.scheme == "mongodb" || url.scheme == "mongodb+srv" else {
            throw StoreError.invalidURL("\(url.redacted): a pipeline database is sqlite:PATH or mongodb://...")
        }
        return try MongoPipelineDatabase(url: url, credentials: credentials,
                                         serverSelectionTimeoutMS: try milliseconds(timeout))
    }

    /// A directory holding `db/epoch_<N>/` (or `postgresql://...`).
    /// `timeout` (seconds) is PostgreSQL's connect_timeout (whole seconds, at least 2 as libpq counts).
    public static func racs(_ location: String, credentials: Credentials,
                            timeout: Double = defaultTimeout) throws -> RACSDatabase {
        if location.contains("://") {
            let url = try DatabaseURL(location)
            guard url.scheme == "postgresql" || url.scheme == "postgres" else {
                throw StoreError.invalidURL("\(url.redacted): a RACS database is a directory or postgresql://...")
            }
            _ = try milliseconds(timeout)
            return try PostgresRACSDatabase(url: url, credentials: credentials,
                                            connectTimeout: max(2, Int(timeout.rounded(.up))))
        }
        return CSVRACSDatabase(root: location)
    }

    static func milliseconds(_ seconds: Double) throws -> Int {
        guard seconds.isFinite, seconds > 0, seconds <= 3600 else {
            throw StoreError.input("--timeout must be more than 0 and at most 3600 seconds (got \(seconds))")
        }
        return max(1, Int((seconds * 1000).rounded()))
    }
}
