/// What can go wrong with run history. Every message names the store by its redacted
/// location (never a password) and says what to do.
public enum HistoryError: Error, Equatable, CustomStringConvertible {
    /// The server cannot be reached (refused, timed out, gone away). A build keeps running
    /// and spools its records locally; commands that read history fail.
    case unreachable(location: String, detail: String)
    /// The server refused the user or password.
    case authentication(location: String, detail: String)
    /// The store was written by a newer arrakis with a schema this one does not know.
    case schemaTooNew(location: String, found: Int, supported: Int)
    /// A statement failed for another reason.
    case failed(location: String, detail: String)
    /// `--history` or the Arrakisfile's `history { url ... }` is not a history location.
    case invalidLocation(String)
    /// `arrakis runs show ID` matched no run, or several.
    case noSuchRun(location: String, id: String, candidates: [String])

    public var description: String {
        switch self {
        case .unreachable(let l, let d):
            return "cannot reach the history server \(l): \(d) (is it running? builds keep their records in .arrakis/history-spool until it is back)"
        case .authentication(let l, let d):
            return "the history server \(l) refused the login: \(d) (give the password in ARRAKIS_DB_PASSWORD, a password file only you can read, or the URL)"
        case .schemaTooNew(let l, let found, let supported):
            return "the run history at \(l) has schema version \(found), newer than this arrakis understands (\(supported)); use a newer arrakis"
        case .failed(let l, let d):
            return "run history \(l): \(d)"
        case .invalidLocation(let m):
            return m
        case .noSuchRun(let l, let id, let candidates):
            if candidates.isEmpty { return "no run '\(id)' in the history at \(l) (see `arrakis runs`)" }
            return "'\(id)' matches several runs in \(l): \(candidates.joined(separator: ", ")) (give more of the id)"
        }
    }

    /// Whether retrying later may help (the server was down, not wrong).
    public var isTransient: Bool {
        if case .unreachable = self { return true }
        return false
    }
}
