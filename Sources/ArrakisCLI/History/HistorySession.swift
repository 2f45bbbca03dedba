import Exec
import Foundation
import Graph
import Rules
import Store
import Synchronization

/// One build's run history: opens the store (never failing the build: an unavailable store
/// is said once and the records are spooled), reads the recorded durations, and turns the
/// executor's events into run and task records for the background `HistoryRecorder`.
final class HistorySession: BuildObserver, Sendable {
    let estimates: DurationEstimates
    private let recorder: HistoryRecorder
    private let run: Mutex<RunRecord>

    /// Runs averaged for the duration estimates.
    static let estimateRuns = 20

    init(config: HistoryConfig, run: RunRecord) {
        let location = config.location
        let credentials = config.credentials
        var history: RunHistory?
        var openError: HistoryError?
        var estimates = DurationEstimates()
        do {
            let h = try location.open(credentials: credentials)
            // Older records first, so that marking abandoned runs sees them.
            try HistorySpool(directory: config.spoolDirectory, runID: run.id).replay(into: h)
            try Self.markAbandoned(in: h, directory: run.directory, host: run.host)
            estimates = DurationEstimates(try h.meanDurations(overRuns: Self.estimateRuns).mapValues(\.meanSeconds))
            history = h
        } catch {
            openError = error
        }
        self.estimates = estimates
        recorder = HistoryRecorder(history: history, openError: openError,
                                   opener: { () throws(HistoryError) in try location.open(credentials: credentials) },
                                   spool: HistorySpool(directory: config.spoolDirectory, runID: run.id),
                                   secrets: config.secrets, warn: { printErr($0 + "\n") })
        self.run = Mutex(run)
        recorder.record(run)
    }

    func runStarted(_ event: BuildEvent.RunStarted) {
        let r = run.withLock { r in
            r.executor = event.executor
            r.counts.planned = event.planned
            return r
        }
        recorder.record(r)
    }

    func taskFinished(_ e: BuildEvent.TaskFinished) {
        let runID = run.withLock { $0.id }
        let status: TaskRecord.Status = switch e.status {
        case .succeeded: .succeeded
        case .failed: .failed
        case .retrying: .retried
        }
        recorder.record(TaskRecord(
            runID: runID, product: e.key, family: e.family, attempt: e.attempt, reason: e.reason.description,
            fingerprint: e.fingerprint.description, status: status, started: e.started, ended: e.ended,
            duration: e.seconds, peakMemoryKB: e.peakMemoryKB.map(Int64.init), host: e.host, jobID: e.jobID,
            exitStatus: e.exitStatus.map(Int.init), message: e.message, logPath: e.logPath,
            outputs: e.outputs.map { TaskRecord.Output(path: $0.path, digest: $0.digest.description) }))
    }

    func runFinished(_ e: BuildEvent.RunFinished) {
        run.withLock { $0.counts = Self.counts(e.counts) }
    }

    /// Records how the run ended and writes (or spools) everything before returning.
    @discardableResult
    func finish(_ outcome: RunRecord.Outcome, counts: BuildEngine.Counts? = nil) -> HistoryRecorder.Summary {
        let r = run.withLock { r in
            r.end(outcome, counts: counts.map(Self.counts) ?? r.counts)
            return r
        }
        recorder.record(r)
        return recorder.close()
    }

    /// Runs of this directory and host still marked running: this build holds the
    /// directory's lock, so they were killed before they could record their end.
    static func markAbandoned(in history: RunHistory, directory: String, host: String) throws(HistoryError) {
        let stale = try history.recentRuns(limit: 50).filter { $0.outcome == .running && $0.directory == directory && $0.host == host }
        guard !stale.isEmpty else { return }
        try history.store(runs: stale.map { var r = $0; r.outcome = .abandoned; return r }, tasks: [])
    }

    static func counts(_ c: BuildEngine.Counts) -> RunRecord.Counts {
        RunRecord.Counts(planned: c.toRun, built: c.built, unchanged: c.unchangedAfterBuild, upToDate: c.upToDate,
                         failed: c.failed, skipped: c.skipped)
    }

    /// The record of a build starting now in this directory.
    static func newRun(arguments: [String], project: Project, targets: [String]) -> RunRecord {
        let now = Date()
        let digest = (try? FileHasher.hash(project.path).0.description) ?? ""
        return RunRecord(id: RunRecord.newID(at: now), user: currentUser(), host: HostName.current,
                         directory: FileManager.default.currentDirectoryPath, started: now,
                         commandLine: CommandLineRedactor.joined(CommandLineRedactor.redact(arguments)),
                         arrakisfileDigest: digest, targets: targets, executor: "local")
    }

    static func currentUser() -> String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? String(getuid())
    }
}
