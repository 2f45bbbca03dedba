import Foundation

/// Takes run and task records from a build and writes them to the history store on a
/// background thread, in batches, without ever holding the build up.
///
/// - `record` only queues (a lock and an append), so executors may call it per task.
/// - The writer owns the store's one connection. When a write fails because the server is
///   gone, it says so once (through `warn`), appends the batch to the local spool (fsync'd),
///   and reconnects with exponential backoff; once back, it replays the spool before newer
///   records, so the store sees them in order.
/// - `close()` drains the queue; if the store is still down it tries once more, and leaves
///   what it could not write in the spool for the next run (or `arrakis runs`) to replay.
///
/// Every string in a record has the given secrets replaced by `***` before it is queued.
public final class HistoryRecorder: @unchecked Sendable {
    public struct Policy: Sendable {
        /// Time between batches.
        public var batchInterval: Double = 0.2
        /// First and longest wait between reconnection attempts.
        public var firstRetry: Double = 0.5
        public var maxRetry: Double = 30
        public init(batchInterval: Double = 0.2, firstRetry: Double = 0.5, maxRetry: Double = 30) {
            self.batchInterval = batchInterval
            self.firstRetry = firstRetry
            self.maxRetry = maxRetry
        }
    }

    /// What happened to the records, for tests and the bench.
    public struct Summary: Sendable, Equatable {
        public var queued = 0
        /// Written straight into the store.
        public var written = 0
        /// Appended to the spool because the store was unavailable.
        public var spooled = 0
        /// Spooled records (of this run or earlier ones) written into the store.
        public var replayed = 0
        /// Neither stored nor spooled (the local disk refused): always reported on stderr.
        public var lost = 0
        /// Whether the store was unavailable at some point.
        public var storeWasDown = false
        /// Connections opened (the first one included).
        public var connections = 0
    }

    public typealias Opener = @Sendable () throws(HistoryError) -> RunHistory

    private let opener: Opener
    private let spool: HistorySpool
    private let scrubber: SecretScrubber
    private let policy: Policy
    private let warn: @Sendable (String) -> Void

    private let lock = NSCondition()
    // Guarded by `lock`:
    private var runs: [RunRecord] = []
    private var tasks: [TaskRecord] = []
    private var closing = false
    private var summary = Summary()
    // Writer thread only:
    private var history: RunHistory?
    private var warned = false
    private var nextAttempt = Date.distantPast
    private var backoff: Double
    private var replayPending: Bool
    private var thread: Thread?

    /// - Parameters:
    ///   - history: the store opened by the caller, or nil when opening it failed with `openError`.
    ///   - opener: opens the store again (reconnection).
    ///   - warn: receives the one "history unavailable" message (and any loss).
    public init(history: RunHistory?, openError: HistoryError? = nil, opener: @escaping Opener, spool: HistorySpool,
                secrets: [String] = [], policy: Policy = Policy(), warn: @escaping @Sendable (String) -> Void) {
        self.history = history
        self.opener = opener
        self.spool = spool
        self.scrubber = SecretScrubber(secrets)
        self.policy = policy
        self.warn = warn
        backoff = policy.firstRetry
        replayPending = !spool.isEmpty
        if history != nil { summary.connections = 1 }
        if let openError { noteDown(openError) }
        let t = Thread { [self] in writerLoop() }
        t.name = "arrakis-history"
        thread = t
        t.start()
    }

    /// Queues a run record (a later one with the same id replaces it in the store).
    public func record(_ run: RunRecord) {
        let r = scrubber.scrub(run)
        lock.lock()
        runs.append(r)
        summary.queued += 1
        lock.unlock()
    }

    /// Queues a task record.
    public func record(_ task: TaskRecord) {
        let t = scrubber.scrub(task)
        lock.lock()
        tasks.append(t)
        summary.queued += 1
        lock.unlock()
    }

    /// Writes (or spools) everything queued, stops the writer, closes the connection.
    @discardableResult
    public func close() -> Summary {
        lock.lock()
        closing = true
        lock.broadcast()
        lock.unlock()
        while let t = thread, !t.isFinished { usleep(1000) }
        lock.lock()
        defer { lock.unlock() }
        return summary
    }

    /// Counts so far (the writer may be mid-batch).
    public var currentSummary: Summary {
        lock.lock()
        defer { lock.unlock() }
        return summary
    }

    // MARK: - Writer

    private func writerLoop() {
        lock.lock()
        while true {
            let deadline = Date().addingTimeInterval(policy.batchInterval)
            while !closing && Date() < deadline { _ = lock.wait(until: deadline) }
            let final = closing
            let batch = (runs, tasks)
            runs.removeAll(keepingCapacity: true)
            tasks.removeAll(keepingCapacity: true)
            lock.unlock()
            deliver(runs: batch.0, tasks: batch.1, final: final)
            lock.lock()
            if final && runs.isEmpty && tasks.isEmpty { break }
        }
        lock.unlock()
        history = nil
        spool.close()
    }

    private func deliver(runs: [RunRecord], tasks: [TaskRecord], final: Bool) {
        let n = runs.count + tasks.count
        if history?.isConnected == false { history = nil }
        if history == nil && (n > 0 || replayPending || final) { reconnect(force: final) }
        if let h = history, replayPending {
            do {
                let replayed = try spool.replay(into: h)
                replayPending = false
                count { $0.replayed += replayed }
            } catch {
                noteDown(error)
                history = nil
            }
        }
        guard n > 0 else { return }
        if let h = history {
            do {
                try h.store(runs: runs, tasks: tasks)
                count { $0.written += n }
                return
            } catch {
                noteDown(error)
                history = nil
            }
        }
        do {
            try spool.append(runs: runs, tasks: tasks)
            replayPending = true
            count { $0.spooled += n }
        } catch {
            count { $0.lost += n }
            warn("arrakis: error: \(n) history record(s) lost: the store is unavailable and \(error)")
        }
    }

    /// Opens the store again when the backoff allows (or `force`).
    private func reconnect(force: Bool) {
        guard force || Date() >= nextAttempt else { return }
        do {
            history = try opener()
            count { $0.connections += 1 }
            backoff = policy.firstRetry
        } catch {
            noteDown(error)
            nextAttempt = Date().addingTimeInterval(backoff)
            backoff = min(backoff * 2, policy.maxRetry)
        }
    }

    private func noteDown(_ error: HistoryError) {
        count { $0.storeWasDown = true }
        guard !warned else { return }
        warned = true
        warn("arrakis: warning: \(error.summary); the build goes on and keeps its history records in \(spool.directory)/ until the store is back")
    }

    private func count(_ change: (inout Summary) -> Void) {
        lock.lock()
        change(&summary)
        lock.unlock()
    }
}

extension HistoryError {
    /// The message without the advice about spooling (the recorder gives its own).
    var summary: String {
        switch self {
        case .unreachable(let l, let d): return "cannot reach the history server \(l) (\(d))"
        default: return description
        }
    }
}
