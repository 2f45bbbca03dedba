import Foundation

/// Where runs and their task records are kept: the same interface over an embedded SQLite
/// file and a PostgreSQL server.
///
/// One instance holds at most one connection and is used from one thread at a time (the
/// build's history writer, or a command reading history). Writes are upserts keyed by run
/// id and (run, product, attempt), so storing a record twice (a spool replayed after a lost
/// reply) changes nothing.
public protocol RunHistory: AnyObject {
    /// The store for messages: a path or a URL without its password.
    var location: String { get }

    /// False once the connection is lost; open a new instance to retry.
    var isConnected: Bool { get }

    /// Inserts or replaces these records, all in one transaction.
    func store(runs: [RunRecord], tasks: [TaskRecord]) throws(HistoryError)

    /// The latest runs, newest first.
    func recentRuns(limit: Int) throws(HistoryError) -> [RunRecord]

    /// The run with this id, or the only one it starts; `latest` names the newest run.
    func run(matching id: String) throws(HistoryError) -> RunRecord

    /// The task records of a run, in the order they ended.
    func tasks(ofRun id: String) throws(HistoryError) -> [TaskRecord]

    /// The latest successful build of `product` (an instance key), if any.
    func lastBuild(of product: String) throws(HistoryError) -> TaskRecord?

    /// Mean seconds of successful tasks per family, over the latest `runs` runs.
    func meanDurations(overRuns runs: Int) throws(HistoryError) -> [String: FamilyDuration]

    /// Deletes the runs `retention` does not keep (as of `now`), with their task records,
    /// in one transaction; returns how many runs were deleted.
    @discardableResult
    func prune(_ retention: HistoryRetention, now: Date) throws(HistoryError) -> Int
}

/// The recorded duration of a family's tasks.
public struct FamilyDuration: Sendable, Equatable {
    public var meanSeconds: Double
    /// How many task records the mean is over.
    public var samples: Int
    public init(meanSeconds: Double, samples: Int) {
        self.meanSeconds = meanSeconds
        self.samples = samples
    }
}
