import Foundation

/// One `arrakis build`: who ran it where, what was asked, how it ended.
///
/// Written when the run starts (outcome `running`) and again when it ends; the later record
/// replaces the earlier (same `id`).
public struct RunRecord: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// Started and not (yet) finished: still running, or killed before it could say.
        case running
        case succeeded
        /// Some products failed.
        case failed
        /// Stopped by Ctrl-C or SIGTERM.
        case interrupted
        /// Stopped by an error of arrakis itself (a store it could not write, ...).
        case error
        /// Recorded as running, but a later build in the same directory found it gone
        /// (killed before it could record its end).
        case abandoned
    }

    /// What the engine counted: products planned to run, built (and of those, with
    /// unchanged outputs), already up to date, failed, skipped after an upstream failure.
    public struct Counts: Sendable, Equatable, Codable {
        public var planned = 0
        public var built = 0
        public var unchanged = 0
        public var upToDate = 0
        public var failed = 0
        public var skipped = 0
        public init(planned: Int = 0, built: Int = 0, unchanged: Int = 0, upToDate: Int = 0,
                    failed: Int = 0, skipped: Int = 0) {
            self.planned = planned
            self.built = built
            self.unchanged = unchanged
            self.upToDate = upToDate
            self.failed = failed
            self.skipped = skipped
        }
    }

    /// Sortable and unique: `YYYYMMDD-HHMMSS-xxxx` (UTC start time, random suffix).
    public var id: String
    public var user: String
    public var host: String
    /// The project directory the build ran in.
    public var directory: String
    public var started: Date
    public var ended: Date?
    /// The command line, shell-quoted, with passwords replaced by `***`.
    public var commandLine: String
    /// XXH3-128 (hex) of the Arrakisfile as read.
    public var arrakisfileDigest: String
    public var targets: [String]
    /// `local` or `slurm`.
    public var executor: String
    public var outcome: Outcome
    public var counts: Counts

    public init(id: String, user: String, host: String, directory: String, started: Date, ended: Date? = nil,
                commandLine: String, arrakisfileDigest: String, targets: [String], executor: String,
                outcome: Outcome = .running, counts: Counts = Counts()) {
        self.id = id
        self.user = user
        self.host = host
        self.directory = directory
        self.started = HistoryTime.rounded(started)
        self.ended = ended.map(HistoryTime.rounded)
        self.commandLine = commandLine
        self.arrakisfileDigest = arrakisfileDigest
        self.targets = targets
        self.executor = executor
        self.outcome = outcome
        self.counts = counts
    }

    /// Marks the run ended now (rounded as stored).
    public mutating func end(_ outcome: Outcome, counts: Counts, at date: Date = Date()) {
        self.outcome = outcome
        self.counts = counts
        ended = HistoryTime.rounded(date)
    }

    /// Seconds from start to end (nil while running).
    public var seconds: Double? { ended.map { $0.timeIntervalSince(started) } }

    /// A new run id for a run starting at `date`.
    public static func newID(at date: Date = Date()) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        let stamp = String(format: "%04d%02d%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                           parts.tm_hour, parts.tm_min, parts.tm_sec)
        return stamp + "-" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
    }
}
