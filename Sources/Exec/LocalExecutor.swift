import Foundation
import Graph

/// Runs out-of-date products on this machine: a pool of worker threads, CPU and memory
/// tokens, retries, `--keep-going`, clean Ctrl-C (running tasks are signalled and their
/// temporaries removed; everything finished is already recorded).
public final class LocalExecutor: @unchecked Sendable {
    public struct Options: Sendable {
        public var jobs: Int
        public var memoryMB: Int
        public var logDirectory: String
        public var progress: ProgressReporter.Mode
        public init(jobs: Int = ProcessorCount.value, memoryMB: Int = 0, logDirectory: String,
                    progress: ProgressReporter.Mode = .auto) {
            self.jobs = max(1, jobs)
            self.memoryMB = memoryMB
            self.logDirectory = logDirectory
            self.progress = progress
        }
    }

    public struct Report: Sendable {
        public var counts: BuildEngine.Counts
        public var failures: [(key: String, message: String)]
        public var interrupted: Bool
        public var seconds: Double
        public var succeeded: Bool { failures.isEmpty && !interrupted }
    }

    let options: Options
    let builtins: BuiltinRegistry
    let digests: DigestCache?
    private let lock = NSCondition()
    private var queue: [(BuildEngine.Job, Int)] = []
    private var results: [TaskResult] = []
    private var pids: Set<pid_t> = []
    private var shuttingDown = false

    public init(options: Options, builtins: BuiltinRegistry = BuiltinRegistry(), digests: DigestCache? = nil) {
        self.options = options
        self.builtins = builtins
        self.digests = digests
    }

    public func run(_ engine: BuildEngine) throws -> Report {
        let started = Date()
        try FileManager.default.createDirectory(atPath: options.logDirectory, withIntermediateDirectories: true)
        InterruptFlag.install()
        let interruptsAtStart = InterruptFlag.interrupts
        let progress = ProgressReporter(mode: options.progress)
        try engine.start()
        var tokens = ResourceTokens(cpus: options.jobs, memoryMB: options.memoryMB)
        var held: [(BuildEngine.Job, Int)] = []
        var inFlight = 0
        var failures: [(String, String)] = []
        var interrupted = false
        var signalled = 0
        var lastFlush = Date()

        let workers = (0..<options.jobs).map { _ in Thread { [unowned self] in self.workerLoop() } }
        for w in workers { w.start() }
        defer {
            lock.lock(); shuttingDown = true; lock.broadcast(); lock.unlock()
        }

        while true {
            let signals = InterruptFlag.interrupts - interruptsAtStart
            if signals > signalled {
                signalled = signals
                interrupted = true
                engine.stop()
                held.removeAll()
                lock.lock()
                queue.removeAll()
                let victims = pids
                lock.unlock()
                progress.note("arrakis: interrupted, stopping \(victims.count) running task(s)")
                for p in victims { kill(-p, signals > 1 ? SIGKILL : SIGTERM) }
            }
            if !interrupted {
                if held.isEmpty {
                    held = engine.takeJobs(limit: max(0, options.jobs - inFlight)).map { ($0, 1) }
                }
                var still: [(BuildEngine.Job, Int)] = []
                for (job, attempt) in held {
                    let r = job.spec.resources
                    if inFlight < options.jobs && tokens.fits(cpus: r.cpus, memoryMB: r.memoryMB) {
                        tokens.take(cpus: r.cpus, memoryMB: r.memoryMB)
                        inFlight += 1
                        submit(job, attempt)
                    } else {
                        still.append((job, attempt))
                    }
                }
                held = still
            }
            if inFlight == 0 && held.isEmpty && (engine.isFinished || interrupted) { break }

            lock.lock()
            if results.isEmpty { _ = lock.wait(until: Date().addingTimeInterval(0.1)) }
            let batch = results
            results.removeAll()
            lock.unlock()

            for r in batch {
                inFlight -= 1
                let res = r.job.spec.resources
                tokens.give(cpus: res.cpus, memoryMB: res.memoryMB)
                switch r.outcome {
                case .success(let outputs):
                    for o in outputs {
                        digests?.record(path: o.path, signature: o.signature, digest: o.digest, trusted: true)
                    }
                    try engine.finished(r.job.id, outputs: outputs)
                    progress.taskFinished(r.job.key, reason: r.job.reason, ok: true, seconds: r.seconds,
                                          running: inFlight, total: engine.counts.toRun)
                case .failure(let message):
                    if r.attempt <= res.retries && !interrupted {
                        progress.note("arrakis: \(r.job.key) failed (attempt \(r.attempt) of \(res.retries + 1)), retrying")
                        held.append((r.job, r.attempt + 1))
                        continue
                    }
                    failures.append((r.job.key, message))
                    try engine.failed(r.job.id, message: message)
                    progress.taskFinished(r.job.key, reason: r.job.reason, ok: false, seconds: r.seconds,
                                          running: inFlight, total: engine.counts.toRun, message: message)
                }
            }
            progress.tick(running: inFlight, total: engine.counts.toRun)
            if Date().timeIntervalSince(lastFlush) > 0.2 {
                try engine.flushStores()
                lastFlush = Date()
            }
        }
        progress.finish()
        try engine.flushStores(sync: true)
        for e in engine.errors where !failures.contains(where: { e.hasPrefix($0.0 + ":") }) {
            failures.append(("", e))
        }
        return Report(counts: engine.counts, failures: failures, interrupted: interrupted,
                      seconds: Date().timeIntervalSince(started))
    }

    private func submit(_ job: BuildEngine.Job, _ attempt: Int) {
        lock.lock()
        queue.append((job, attempt))
        lock.signal()
        lock.unlock()
    }

    private func workerLoop() {
        while true {
            lock.lock()
            while queue.isEmpty && !shuttingDown { lock.wait() }
            if shuttingDown && queue.isEmpty { lock.unlock(); return }
            let (job, attempt) = queue.removeFirst()
            lock.unlock()
            let t0 = Date()
            let outcome = execute(job)
            let result = TaskResult(job: job, attempt: attempt, outcome: outcome,
                                    seconds: Date().timeIntervalSince(t0))
            lock.lock()
            results.append(result)
            lock.broadcast()
            lock.unlock()
        }
    }

    /// One attempt: prepare outputs, run, commit or discard.
    func execute(_ job: BuildEngine.Job) -> TaskResult.Outcome {
        let outputs = job.spec.outputs
        let logPath = options.logDirectory + "/" + Digest(job.key).description + ".log"
        do {
            try TemporaryOutput.prepare(outputs)
        } catch {
            return .failure("\(error)")
        }
        switch job.spec.command {
        case .shell(let command):
            var spawned: pid_t = 0
            let outcome = ShellCommand.run(command, logPath: logPath, onSpawn: { pid in
                spawned = pid
                lock.lock(); pids.insert(pid); lock.unlock()
            })
            lock.lock(); pids.remove(spawned); lock.unlock()
            switch outcome {
            case .exited(0):
                break
            case .exited(let code):
                TemporaryOutput.discard(outputs)
                return .failure(Self.describe("exit status \(code)", logPath))
            case .signaled(let sig):
                TemporaryOutput.discard(outputs)
                return .failure(Self.describe("killed by signal \(sig)", logPath))
            case .spawnFailed(let why):
                TemporaryOutput.discard(outputs)
                return .failure("could not start /bin/sh: \(why)")
            }
        case .builtin(let kind, let arguments):
            guard let rule = builtins.rules[kind] else {
                return .failure("unknown built-in rule '\(kind)'")
            }
            let log = TaskLog(path: logPath)
            do {
                try rule.run(arguments: arguments, outputs: outputs.map(TemporaryOutput.path(for:)), log: log)
                try? log.save()
            } catch {
                log.write("error: \(error)")
                try? log.save()
                TemporaryOutput.discard(outputs)
                return .failure("\(error)")
            }
        }
        do {
            return .success(try outputs.map(TemporaryOutput.commit))
        } catch {
            TemporaryOutput.discard(outputs)
            return .failure("\(error)")
        }
    }

    static func describe(_ what: String, _ logPath: String) -> String {
        let tail = LogTail.read(logPath)
        if tail.isEmpty { return what + " (no output; log: \(logPath))" }
        return what + "; last lines of \(logPath):\n" + tail.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "    | " + $0 }.joined(separator: "\n")
    }
}
