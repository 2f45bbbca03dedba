import Foundation
import Graph

/// Runs out-of-date products on this machine: a pool of worker threads, CPU and memory
/// tokens, retries, `--keep-going`, clean Ctrl-C (running tasks are signalled and their
/// temporaries removed; everything finished is already recorded).
///
/// Workers record their own results and take their next job under one lock, so no task
/// waits for a round trip through the controlling thread; that thread only watches for
/// Ctrl-C, refreshes the progress line and flushes the stores.
public final class LocalExecutor: @unchecked Sendable {
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

    public struct Report: Sendable {
        public var counts: BuildEngine.Counts
        public var failures: [(key: String, message: String)]
        public var interrupted: Bool
        public var seconds: Double
        public var succeeded: Bool { failures.isEmpty && !interrupted }
        public init(counts: BuildEngine.Counts, failures: [(key: String, message: String)], interrupted: Bool, seconds: Double) {
            self.counts = counts
            self.failures = failures
            self.interrupted = interrupted
            self.seconds = seconds
        }
    }

    let options: Options
    let builtins: BuiltinRegistry
    let digests: DigestCache?
    /// Told about the run and every attempt (run history); called outside `lock` except
    /// `taskStarted`, which is called by the worker before it runs the task.
    let observer: BuildObserver?

    // Everything below is guarded by `lock`.
    private let lock = NSCondition()
    /// Signalled once, when the run is done (wakes the controlling thread).
    private let finishedSignal = DispatchSemaphore(value: 0)
    private var engine: BuildEngine!
    private var progress: ProgressReporter!
    private var tokens: ResourceTokens
    /// Jobs taken from the engine but not started (no tokens yet, or waiting to retry).
    private var held: [(job: BuildEngine.Job, attempt: Int)] = []
    private var inFlight = 0
    private var failures: [(key: String, message: String)] = []
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

    public func run(_ engine: BuildEngine) throws -> Report {
        let started = Date()
        try FileManager.default.createDirectory(atPath: options.logDirectory, withIntermediateDirectories: true)
        InterruptFlag.install()
        let interruptsAtStart = InterruptFlag.interrupts
        self.engine = engine
        self.progress = ProgressReporter(mode: options.progress, workers: options.jobs, estimates: options.estimates)
        try engine.start()
        observer?.runStarted(.init(executor: "local", workers: options.jobs, planned: engine.counts.toRun, time: started))

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
            let signals = InterruptFlag.interrupts - interruptsAtStart
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

        progress.finish()
        let seconds = Date().timeIntervalSince(started)
        observer?.runFinished(.init(counts: engine.counts, interrupted: interrupted,
                                    failures: failures.count, seconds: seconds))
        try engine.flushStores(sync: true)
        if let internalError { throw internalError }
        for e in engine.errors where !failures.contains(where: { e.hasPrefix($0.key + ":") }) {
            failures.append(("", e))
        }
        return Report(counts: engine.counts, failures: failures, interrupted: interrupted, seconds: seconds)
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
            if let observer {
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
        progress.taskStarted(family: job.spec.key.family)
        return (job, n)
    }

    /// Records one attempt's result in the engine; returns the event for the observer.
    /// Called with the lock held.
    private func record(_ r: TaskResult) -> BuildEvent.TaskFinished {
        inFlight -= 1
        let res = r.job.spec.resources
        tokens.give(cpus: res.cpus, memoryMB: res.memoryMB)
        var event = BuildEvent.TaskFinished(
            key: r.job.key, family: r.job.spec.key.family, reason: r.job.reason, fingerprint: r.job.fingerprint,
            attempt: r.attempt, status: .failed, started: r.started, ended: r.ended, seconds: r.seconds,
            exitStatus: r.details.exitStatus, peakMemoryKB: r.details.peakMemoryKB, logPath: r.details.logPath)
        var outcome = r.outcome
        if case .success = outcome, let problem = engine.depfileProblem(r.job) { outcome = .failure(problem) }
        do {
            switch outcome {
            case .success(let outputs):
                event.status = .succeeded
                event.outputs = outputs
                for o in outputs {
                    digests?.record(path: o.path, signature: o.signature, digest: o.digest, trusted: true)
                }
                try engine.finished(r.job.id, outputs: outputs)
                progress.taskFinished(r.job.key, family: r.job.spec.key.family, reason: r.job.reason, ok: true,
                                      seconds: r.seconds, running: inFlight, total: engine.counts.toRun)
            case .failure(let message):
                event.message = message
                if r.attempt <= res.retries && !interrupted {
                    event.status = .retrying
                    progress.note("arrakis: \(r.job.key) failed (attempt \(r.attempt) of \(res.retries + 1)), retrying")
                    held.append((r.job, r.attempt + 1))
                    return event
                }
                failures.append((r.job.key, message))
                try engine.failed(r.job.id, message: message)
                progress.taskFinished(r.job.key, family: r.job.spec.key.family, reason: r.job.reason, ok: false,
                                      seconds: r.seconds, running: inFlight, total: engine.counts.toRun, message: message)
            }
        } catch {
            stopWith(error)
        }
        return event
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
