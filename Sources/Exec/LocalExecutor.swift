import Foundation
import Graph

/// Runs out-of-date products on this machine: a pool of worker threads, CPU and memory
/// tokens, retries, `--keep-going`, clean Ctrl-C (running tasks are signalled and their
/// temporaries removed; everything finished is already recorded).
///
/// Workers record their own results and take their next job under one lock, so no task
/// waits for a round trip through the controlling thread; that thread only watches for
/// Ctrl-C, refreshes the progress line and flushes the stores.
public final class LocalExecutor: Executor, @unchecked Sendable {
    public struct Options: Sendable {
        public var jobs: Int
        public var memoryMB: Int
        public var logDirectory: String
        public var progress: ProgressReporter.Mode
        /// Recorded task durations per family, for the ETA.
        public var estimates: DurationEstimates
        public init(jobs: Int = ProcessorCount.value, memoryMB: Int = 0, logDirectory: String,
                    progress: ProgressReporter.Mode = .auto, estimates: DurationEstimates = DurationEstimates()) {
            self.jobs = max(1, jobs)
            self.memoryMB = memoryMB
            self.logDirectory = logDirectory
            self.progress = progress
            self.estimates = estimates
        }
    }

    public let name = "local"
    let options: Options
    let builtins: BuiltinRegistry
    let digests: DigestCache?
    /// Told about the run and every attempt (run history); called outside `lock` except
    /// `taskStarted`, which is called by the worker before it runs the task.
    let observer: BuildObserver?
    private let stopRequests = StopRequests()

    // Everything below is guarded by `lock`.
    private let lock = NSCondition()
    /// Signalled once, when the run is done (wakes the controlling thread).
    private let finishedSignal = DispatchSemaphore(value: 0)
    private var engine: BuildEngine!
    private var recorder: ResultRecorder!
    private var progress: ProgressReporter { recorder.progress }
    private var tokens: ResourceTokens
    /// Jobs taken from the engine but not started (no tokens yet, or waiting to retry).
    private var held: [(job: BuildEngine.Job, attempt: Int)] = []
    private var inFlight = 0
    private var interrupted = false
    private var done = false
    private var internalError: Error?
    /// The command each worker is running (process group leaders), for Ctrl-C.
    private var pids: [pid_t?] = []

    public init(options: Options, builtins: BuiltinRegistry = BuiltinRegistry(), digests: DigestCache? = nil,
                observer: BuildObserver? = nil) {
        self.options = options
        self.builtins = builtins
        self.digests = digests
        self.observer = observer
        self.tokens = ResourceTokens(cpus: options.jobs, memoryMB: options.memoryMB)
    }

    public func cancel() { stopRequests.cancel() }

    public func run(_ engine: BuildEngine) throws -> BuildReport {
        try FileManager.default.createDirectory(atPath: options.logDirectory, withIntermediateDirectories: true)
        stopRequests.begin()
        self.engine = engine
        recorder = ResultRecorder(executor: name, engine: engine, digests: digests, observer: observer,
                                  progress: ProgressReporter(mode: options.progress, workers: options.jobs,
                                                             estimates: options.estimates))
        try recorder.start(workers: options.jobs)

        pids = Array(repeating: nil, count: options.jobs)
        let workers = (0..<options.jobs).map { i in Thread { [unowned self] in self.workerLoop(i) } }
        for w in workers { w.start() }

        var signalled = 0
        var lastFlush = Date()
        lock.lock()
        while !done {
            // Woken when the run is done, else every 0.1 s: not by every finished task (the
            // workers' broadcasts are for each other), which would cost a context switch per task.
            lock.unlock()
            _ = finishedSignal.wait(timeout: .now() + 0.1)
            lock.lock()
            let signals = stopRequests.count
            if signals > signalled {
                signalled = signals
                interrupt(hard: signals > 1)
            }
            progress.tick(running: inFlight, total: engine.counts.toRun)
            if Date().timeIntervalSince(lastFlush) > 0.2 {
                do { try engine.flushStores() } catch { stopWith(error) }
                lastFlush = Date()
            }
            checkDone()
        }
        lock.unlock()
        for w in workers { while !w.isFinished { usleep(1000) } }

        let report = try recorder.finish()
        if let internalError { throw internalError }
        return report
    }

    // MARK: - Workers

    private func workerLoop(_ index: Int) {
        let attempt = TaskAttempt(builtins: builtins,
                                  scratchLog: options.logDirectory + "/worker-\(index).log",
                                  logDirectory: options.logDirectory,
                                  onProcess: { [unowned self] pid in
                                      lock.lock()
                                      pids[index] = pid
                                      lock.unlock()
                                  })
        lock.lock()
        while !done {
            guard let (job, n) = nextJob() else {
                checkDone()
                if !done { lock.wait() }
                continue
            }
            lock.unlock()
            let t0 = Date()
            observer?.taskStarted(.init(key: job.key, family: job.spec.key.family, attempt: n, time: t0))
            let (outcome, details) = attempt.runMeasured(job)
            let t1 = Date()
            lock.lock()
            let event = record(TaskResult(job: job, attempt: n, outcome: outcome, seconds: t1.timeIntervalSince(t0),
                                          started: t0, ended: t1, details: details))
            lock.broadcast()
            if let observer, let event {
                lock.unlock()
                observer.taskFinished(event)
                lock.lock()
            }
        }
        lock.unlock()
    }

    /// A job whose resources fit now (tokens taken), or nil. Called with the lock held.
    private func nextJob() -> (BuildEngine.Job, Int)? {
        guard !interrupted, internalError == nil else { return nil }
        if held.isEmpty {
            held = engine.takeJobs(limit: max(1, options.jobs - inFlight)).map { ($0, 1) }
        }
        guard let i = held.firstIndex(where: { tokens.fits(cpus: $0.job.spec.resources.cpus, memoryMB: $0.job.spec.resources.memoryMB) })
        else { return nil }
        let (job, n) = held.remove(at: i)
        tokens.take(cpus: job.spec.resources.cpus, memoryMB: job.spec.resources.memoryMB)
        inFlight += 1
        recorder.taskStarted(job)
        return (job, n)
    }

    /// Records one attempt's result (a failure is retried while the product's `retries`
    /// allow); returns the event for the observer. Called with the lock held.
    private func record(_ result: TaskResult) -> BuildEvent.TaskFinished? {
        inFlight -= 1
        let res = result.job.spec.resources
        tokens.give(cpus: res.cpus, memoryMB: res.memoryMB)
        var r = result
        if case .success = r.outcome, let problem = engine.depfileProblem(r.job) { r.outcome = .failure(problem) }
        var retryNote: String?
        if case .failure = r.outcome, r.attempt <= res.retries && !interrupted {
            retryNote = "arrakis: \(r.job.key) failed (attempt \(r.attempt) of \(res.retries + 1)), retrying"
            held.append((r.job, r.attempt + 1))
        }
        do {
            return try recorder.record(r, retryNote: retryNote, running: inFlight)
        } catch {
            stopWith(error)
            return nil
        }
    }

    /// Marks the run done when nothing runs and nothing more can start. Lock held.
    private func checkDone() {
        guard !done, inFlight == 0 else { return }
        let idle = interrupted || internalError != nil || (held.isEmpty && engine.isFinished)
        if idle {
            done = true
            lock.broadcast()
            finishedSignal.signal()
        }
    }

    private func interrupt(hard: Bool) {
        interrupted = true
        recorder.interrupted = true
        engine.stop()
        held.removeAll()
        let running = pids.compactMap { $0 }
        progress.note("arrakis: interrupted, stopping \(running.count) running task(s)")
        for p in running { kill(-p, hard ? SIGKILL : SIGTERM) }
        lock.broadcast()
    }

    private func stopWith(_ error: Error) {
        if internalError == nil { internalError = error }
        engine.stop()
        held.removeAll()
        lock.broadcast()
    }
}
