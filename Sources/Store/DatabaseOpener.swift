/// Opens the pipeline and RACS databases named by URLs or paths.
public enum DatabaseOpener {
    /// `sqlite:PATH` (or a bare path ending in .db/.sqlite) opens the embedded store;
    /// `mongodb://[user@]host[:port]` or a bare host opens MongoDB.
    public static func pipeline(_ location: String, credentials: Credentials) throws -> PipelineDatabase {
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
        return try MongoPipelineDatabase(url: url, credentials: credentials)
    }

    /// A directory holding `db/epoch_<N>/` (or `postgresql://...`).
    public static func racs(_ location: String, credentials: Credentials) throws -> RACSDatabase {
        if location.contains("://") {
            let url = try DatabaseURL(location)
            guard url.scheme == "postgresql" || url.scheme == "postgres" else {
                throw StoreError.invalidURL("\(url.redacted): a RACS database is a directory or postgresql://...")
            }
            return try PostgresRACSDatabase(url: url, credentials: credentials)
        }
        return CSVRACSDatabase(root: location)
    }
}
