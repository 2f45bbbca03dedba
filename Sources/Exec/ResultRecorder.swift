import Foundation
import Graph

/// Records what executors report, the same way for each: a success's output digests and
/// trace (dependents become ready), a retry's note, a failure's problem, the progress
/// display and the observer's events, and at the end the `BuildReport`.
///
/// Not thread-safe: an executor calls it from one thread at a time (under its own lock).
final class ResultRecorder {
    let engine: BuildEngine
    let digests: DigestCache?
    let observer: BuildObserver?
    let progress: ProgressReporter
    let executor: String
    /// Set when the build is being stopped: a task failing now was stopped, not broken.
    var interrupted = false
    private let started = Date()

    init(executor: String, engine: BuildEngine, digests: DigestCache?, observer: BuildObserver?, progress: ProgressReporter) {
        self.executor = executor
        self.engine = engine
        self.digests = digests
        self.observer = observer
        self.progress = progress
    }

    /// Plans (a no-op when already planned) and tells the observer the run began.
    func start(workers: Int) throws {
        try engine.start()
        observer?.runStarted(.init(executor: executor, workers: workers, planned: engine.counts.toRun, time: started))
    }

    /// A task was handed to a worker or the scheduler.
    func taskStarted(_ job: BuildEngine.Job) {
        progress.taskStarted(family: job.spec.key.family)
    }

    /// Records one attempt: a success, a failure to be retried (`retryNote` says so on
    /// the progress display), or a failure for good. `running` is the tasks still running.
    /// Returns the observer's event, for the caller to deliver (outside its lock).
    func record(_ r: TaskResult, retryNote: String? = nil, running: Int) throws -> BuildEvent.TaskFinished {
        let job = r.job
        var event = BuildEvent.TaskFinished(
            key: job.key, family: job.spec.key.family, reason: job.reason, fingerprint: job.fingerprint,
            attempt: r.attempt, status: .failed, started: r.started, ended: r.ended, seconds: r.seconds,
            exitStatus: r.details.exitStatus, peakMemoryKB: r.details.peakMemoryKB, host: r.host, jobID: r.jobID,
            logPath: r.details.logPath)
        switch r.outcome {
        case .success(let outputs):
            event.status = .succeeded
            event.outputs = outputs
            for o in outputs { digests?.record(path: o.path, signature: o.signature, digest: o.digest, trusted: true) }
            try engine.finished(job.id, outputs: outputs)
            progress.taskFinished(job.key, family: job.spec.key.family, reason: job.reason, ok: true,
                                  seconds: r.seconds, running: running, total: engine.counts.toRun)
        case .failure(let message):
            event.message = message
            if let retryNote {
                event.status = .retrying
                progress.note(retryNote)
                return event
            }
            try engine.failed(job.id, message: message, kind: interrupted ? .interrupted : .taskFailed)
            progress.taskFinished(job.key, family: job.spec.key.family, reason: job.reason, ok: false,
                                  seconds: r.seconds, running: running, total: engine.counts.toRun, message: message)
        }
        return event
    }

    /// Ends the run: clears the progress display, tells the observer, syncs the stores.
    func finish() throws -> BuildReport {
        progress.finish()
        let seconds = Date().timeIntervalSince(started)
        let failures = engine.problems.filter { $0.kind == .taskFailed }.count
        observer?.runFinished(.init(counts: engine.counts, interrupted: interrupted, failures: failures, seconds: seconds))
        try engine.flushStores(sync: true)
        return BuildReport(executor: executor, counts: engine.counts, problems: engine.problems,
                           interrupted: interrupted, seconds: seconds)
    }
}
