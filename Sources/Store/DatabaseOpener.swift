/// Opens the pipeline and RACS databases named by URLs or paths.
public enum DatabaseOpener {
    /// `sqlite:PATH` (or a bare path ending in .db/.sqlite) opens the embedded store;
    /// `mongodb://` needs the MongoDB backend.
    public static func pipeline(_ location: String, credentials: Credentials) throws -> PipelineDatabase {
        if location.hasPrefix("sqlite:") {
            return try SQLitePipelineDatabase(path: String(location.dropFirst("sqlite:".count)))
        }
        if location.hasSuffix(".db") || location.hasSuffix(".sqlite") {
            return try SQLitePipelineDatabase(path: location)
        }
        let url = try DatabaseURL(location.contains("://") ? location : "mongodb://\(location)")
        throw StoreError.invalidURL("\(url.redacted): the MongoDB backend is not built into this arrakis yet; use sqlite:PATH")
    }

    /// A directory holding `db/epoch_<N>/` (or `postgresql://...`).
    public static func racs(_ location: String, credentials: Credentials) throws -> RACSDatabase {
        if location.contains("://") {
            let url = try DatabaseURL(location)
            throw StoreError.invalidURL("\(url.redacted): the PostgreSQL reader is not built into this arrakis yet; use a directory")
        }
        return CSVRACSDatabase(root: location)
    }
}
