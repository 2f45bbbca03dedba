import ArgumentParser
import Foundation
import Graph
import Rules
import Store

/// Where run history goes, from the command line (the Arrakisfile's `history` block
/// otherwise, `.arrakis/history.db` by default).
struct HistoryOptions: ParsableArguments {
    @Option(name: .customLong("history"),
            help: "Run history: sqlite:PATH (default .arrakis/history.db), postgresql://[user@]host[:port]/DATABASE, or off.")
    var url: String?

    @Option(name: .customLong("history-password-file"),
            help: "File holding the history server's password (must not be group- or world-readable).")
    var passwordFile: String?
}

/// A resolved history setting: the store, how to log in, and the secrets to keep out of records.
struct HistoryConfig {
    var location: HistoryLocation
    var credentials: Credentials
    /// Every password in play, scrubbed from records.
    var secrets: [String]
    /// Where records wait while the store is unavailable (one directory per store).
    var spoolDirectory: String

    /// The `--history` flag wins, then `history { url ... password_file ... }` in the
    /// Arrakisfile, then the embedded default. Nil for `off`.
    static func resolve(_ options: HistoryOptions, project: Project?, stateDirectory: String) throws -> HistoryConfig? {
        let block = try project?.blockSettings("history") ?? [:]
        let text = options.url ?? block["url"]?.description
        if text == "off" || text == "none" { return nil }
        let location = try text.map { text throws(HistoryError) in try HistoryLocation(text) }
            ?? .embedded(stateDirectory: stateDirectory)
        let environment = ProcessInfo.processInfo.environment
        var credentials = Credentials(username: nil, password: nil)
        if location.isServer {
            credentials = try Credentials.resolve(username: location.urlUsername, urlPassword: location.urlPassword, flag: nil,
                                                  file: options.passwordFile ?? block["password_file"]?.description,
                                                  environment: environment)
        }
        let secrets = [credentials.password, location.urlPassword, environment["ARRAKIS_DB_PASSWORD"]].compactMap { $0 }
        let tag = String(Digest(location.description).description.prefix(12))
        return HistoryConfig(location: location, credentials: credentials, secrets: secrets,
                             spoolDirectory: stateDirectory + "/history-spool/" + tag)
    }

    /// Opens the store for reading, after replaying any records spooled for it.
    func openForReading() throws -> RunHistory {
        if case .sqlite(let path) = location.kind, !FileManager.default.fileExists(atPath: path) {
            throw CLIError("no run history in \(FileManager.default.currentDirectoryPath) (\(path) does not exist: nothing was built here with history on)")
        }
        let history = try location.open(credentials: credentials)
        let spool = HistorySpool(directory: spoolDirectory, runID: "reader-\(getpid())")
        if !spool.isEmpty { try spool.replay(into: history) }
        return history
    }
}

/// Changes to `-C DIR` and loads the Arrakisfile when there is one (commands that read
/// history work without it).
func enterProject(_ options: ProjectOptions, required: Bool) throws -> Project? {
    if let dir = options.directory {
        guard FileManager.default.changeCurrentDirectoryPath(dir) else {
            throw CLIError("cannot change to directory \(dir)")
        }
    }
    guard FileManager.default.fileExists(atPath: options.file) else {
        if required { throw CLIError("no Arrakisfile at \(FileManager.default.currentDirectoryPath)/\(options.file) (use -f FILE or -C DIR)") }
        return nil
    }
    return try Project.load(path: options.file)
}
