import Language
import Foundation
import Store

/// Opens the pipeline and RACS databases a rule names in its params: `database` (default
/// `sqlite:.arrakis/pipeline.db`) and `racs`. Passwords come from ARRAKIS_DB_PASSWORD or
/// the file named by ARRAKIS_DB_PASSWORD_FILE, never from the Arrakisfile.
enum PipelineStoreAccess {
    static let defaultDatabase = "sqlite:.arrakis/pipeline.db"

    static func credentials(for url: String) throws -> Credentials {
        let env = ProcessInfo.processInfo.environment
        let parsed = url.contains("://") ? try? DatabaseURL(url) : nil
        return try Credentials.resolve(username: parsed?.username, urlPassword: parsed?.password, flag: nil,
                                       file: env["ARRAKIS_DB_PASSWORD_FILE"], environment: env)
    }

    static func pipeline(_ args: BuiltinArguments) throws -> PipelineDatabase {
        try pipeline(url: args.string("database", default: defaultDatabase))
    }

    /// The `database` param as manifests record it, for the rules that follow: without any
    /// password (that comes from the environment again).
    static func recordedURL(_ args: BuiltinArguments) -> String {
        let url = args.string("database", default: defaultDatabase)
        return (try? DatabaseURL(url))?.withoutPassword ?? DatabaseURL.redact(url)
    }

    static func pipeline(url: String) throws -> PipelineDatabase {
        if url.hasPrefix("sqlite:") {
            let dir = (String(url.dropFirst("sqlite:".count)) as NSString).deletingLastPathComponent
            if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        }
        return try DatabaseOpener.pipeline(url, credentials: try credentials(for: url))
    }

    static func racs(_ args: BuiltinArguments) throws -> RACSDatabase {
        let location = try args.string("racs")
        return try DatabaseOpener.racs(location, credentials: try credentials(for: location))
    }
}
