#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Graph

/// Runs out-of-date products on a SLURM cluster. Ready tasks of equal resources go out as
/// job arrays (one `sbatch` for many tasks), each array element running a batch of tasks
/// (`arrakis run-task`). Workers write a result record per task to the submission's
/// directory under `.arrakis/slurm/`; this controller reads them as they arrive and records
/// traces, looks at the queue every poll interval to learn which elements ended, and
/// resubmits failed tasks up to their `retries`.
///
/// Everything a restarted controller needs is on disk: each submission's tasks, its job id
/// (and a job name holding the submission id), and the results. After a crash (even
/// `kill -9`) the next build re-attaches to elements still queued or running and takes the
/// results already written instead of submitting those tasks again.
public final class SlurmExecutor: Executor {
    public let name = "slurm"

    public struct Options: Sendable {
        public var settings: SlurmSettings
        public var stateDirectory: String
        public var progress: ProgressReporter.Mode
        public var estimates: DurationEstimates
        public init(settings: SlurmSettings, stateDirectory: String, progress: ProgressReporter.Mode = .auto,
                    estimates: DurationEstimates = DurationEstimates()) {
            self.settings = settings
            self.stateDirectory = stateDirectory
            self.progress = progress
            self.estimates = estimates
        }
    }

    /// A task handed out by the engine and not yet finished for good.
    struct Task {
        var job: BuildEngine.Job
        /// Submissions of this task so far (the current one included once submitted).
        var attempt: Int
        /// Failures charged against the product's `retries`.
        var failures = 0
        /// Times lost to the scheduler (cancelled, node failure, preemption).
        var lost = 0
        var submission: String?
        var element = 0
        var queuedAt = Date()
    }

    let options: Options
    var settings: SlurmSettings { options.settings }
    let digests: DigestCache?
    let observer: BuildObserver?
    private var client = SlurmClient()
    private let stopRequests = StopRequests()

    private var engine: BuildEngine!
    private var recorder: ResultRecorder!
    private var progress: ProgressReporter { recorder.progress }
    private let slurmDirectory: String
    private let projectDirectory: String
    /// Job names are `arrakis-TAG-SUBMISSION`: TAG tells this project's jobs from others'.
    private let namePrefix: String
    private let runTag: String
    private var submissionCounter = 0
    private var submissions: [String: Submission] = [:]
    /// Tasks waiting to be submitted, in the order the engine handed them out.
    private var waiting: [Task] = []
    /// Tasks submitted (or attached to a running job), by product key.
    private var inFlight: [String: Task] = [:]
    /// Successful results of earlier controllers, by key, not yet claimed.
    private var recovered: [String: (record: ResultRecord, submission: String)] = [:]
    private var interrupted = false
    private var limit: Int
    private var maxArraySize = 1001
    private var lastPoll = Date.distantPast
    private var lastIntake = Date.distantPast
    private var lastResultsRead = Date.distantPast
    /// sbatch calls made by this run.
    public private(set) var sbatchCalls = 0

    public init(options: Options, digests: DigestCache? = nil, observer: BuildObserver? = nil) {
        self.options = options
        self.digests = digests
        self.observer = observer
        let cwd = FileManager.default.currentDirectoryPath
        projectDirectory = cwd
        let state = options.stateDirectory.hasPrefix("/") ? options.stateDirectory : cwd + "/" + options.stateDirectory
        slurmDirectory = state + "/slurm"
        namePrefix = "arrakis-" + String(Digest(cwd).description.prefix(8)) + "-"
        runTag = String(format: "%08x", UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970 * 1000) ^ Int(getpid()) << 16))
        limit = max(1, min(options.settings.minJobs, options.settings.maxJobs))
    }

    public func cancel() { stopRequests.cancel() }

    public func run(_ engine: BuildEngine) throws -> BuildReport {
        self.engine = engine
        try FileManager.default.createDirectory(atPath: slurmDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: options.stateDirectory + "/logs", withIntermediateDirectories: true)
        stopRequests.begin()
        try client.preflight()
        recorder = ResultRecorder(executor: name, engine: engine, digests: digests, observer: observer,
                                  progress: ProgressReporter(mode: options.progress, workers: settings.maxJobs,
                                                             estimates: options.estimates))
        maxArraySize = client.maxArraySize()
        let queue = try client.queue(namePrefix: namePrefix)
        try loadEarlierSubmissions(queue: queue)
        try recorder.start(workers: settings.maxJobs)

        var lastFlush = Date()
        var internalError: Error?
        while true {
            if stopRequests.count > 0, !interrupted {
                interrupt()
            }
            do {
                try intake()
                let now = Date()
                if now.timeIntervalSince(lastPoll) >= settings.pollSeconds {
                    lastPoll = now
                    let snapshot = try? client.queue(namePrefix: namePrefix)
                    try readResults()
                    if let snapshot { try judge(snapshot) }
                } else if now.timeIntervalSince(lastResultsRead) >= min(1, max(0.1, Double(elementsInFlight) / 1000)) {
                    // Each live element's log is opened: at most about a thousand a second.
                    lastResultsRead = now
                    try readResults()
                }
                if !interrupted { try submitWaiting() }
                if now.timeIntervalSince(lastFlush) > 0.2 {
                    try engine.flushStores()
                    lastFlush = now
                }
            } catch {
                internalError = error
                interrupt()
            }
            progress.tick(running: inFlight.count, total: engine.counts.toRun)
            if inFlight.isEmpty && (interrupted || engine.stopped || (waiting.isEmpty && engine.isFinished)) { break }
            usleep(inFlight.isEmpty && waiting.isEmpty ? 20_000 : 100_000)
        }
        // Jobs taken from the engine but never submitted (a failure without -k, Ctrl-C).
        waiting.removeAll()
        let report = try recorder.finish()
        removeFinishedSubmissions()
        if let internalError { throw internalError }
        return report
    }

    // MARK: - Taking work

    /// Takes what the engine has ready: a result an earlier controller already has is
    /// recorded at once, a task still queued or running in an earlier submission is
    /// attached to it, anything else waits for submission.
    private func intake() throws {
        guard !interrupted else { return }
        while true {
            let jobs = engine.takeJobs()
            if jobs.isEmpty { return }
            lastIntake = Date()
            for job in jobs {
                var task = Task(job: job, attempt: 1)
                if let (record, sub) = recovered.removeValue(forKey: job.key), record.fingerprint == job.fingerprint.description,
                   let outputs = committedOutputs(record) {
                    task.attempt = record.attempt
                    task.submission = sub
                    recorder.taskStarted(job)
                    try succeed(task, record, outputs)
                    continue
                }
                if let (sub, element, worker) = attachable(job) {
                    task.attempt = worker.attempt
                    task.submission = sub.id
                    task.element = element
                    inFlight[job.key] = task
                    recorder.taskStarted(job)
                    continue
                }
                waiting.append(task)
            }
        }
    }

    /// An earlier submission's element, still queued or running, that holds this very task.
    private func attachable(_ job: BuildEngine.Job) -> (Submission, Int, WorkerTask)? {
        guard let (subID, element) = earlierTasks.removeValue(forKey: job.key), let sub = submissions[subID],
              !sub.isDone(element),
              let worker = sub.elements[element].first(where: { $0.key == job.key }),
              worker.fingerprint == job.fingerprint.description else { return nil }
        return (sub, element, worker)
    }

    /// Tasks of earlier submissions whose elements are still queued or running.
    private var earlierTasks: [String: (String, Int)] = [:]

    /// The outputs a result names, if they are still there as the worker wrote them.
    private func committedOutputs(_ record: ResultRecord) -> [Trace.Output]? {
        var outputs: [Trace.Output] = []
        for o in record.outputs {
            guard let sig = FileSignature.of(o.path), sig.size == o.size, let digest = Digest(hex: Substring(o.digest)) else { return nil }
            outputs.append(Trace.Output(path: o.path, signature: sig, digest: digest))
        }
        return outputs
    }

    // MARK: - Submitting

    private var elementsInFlight: Int { submissions.values.reduce(0) { $0 + $1.live } }

    private func submitWaiting() throws {
        guard !waiting.isEmpty, !engine.stopped || engine.options.keepGoing else { return }
        // Let tasks that become ready one after another (as upstream results arrive) gather
        // into one array: submit when nothing in flight could add more, when no task came
        // for a second, or when the oldest has waited five.
        let now = Date()
        let oldest = waiting.map(\.queuedAt).min() ?? now
        guard inFlight.isEmpty || now.timeIntervalSince(lastIntake) >= 1 || now.timeIntervalSince(oldest) >= 5 else { return }
        let slots = limit - elementsInFlight
        guard slots > 0 else { return }
        let planner = BatchPlanner(settings: settings, estimates: options.estimates, maxArraySize: maxArraySize)
        let arrays = planner.plan(waiting.map { ($0.job.spec.key.family, resourceClass($0.job.spec.resources)) }, slots: slots)
        var taken = Set<Int>()
        for array in arrays {
            let tasks = array.elements.map { $0.map { waiting[$0] } }
            for e in array.elements { taken.formUnion(e) }
            try submit(tasks, resources: array.resources, tasksPerElement: array.tasksPerElement)
        }
        waiting = waiting.enumerated().filter { !taken.contains($0.offset) }.map(\.element)
    }

    private func resourceClass(_ r: Resources) -> BatchPlanner.ResourceClass {
        BatchPlanner.ResourceClass(r, settings: settings)
    }

    private func submit(_ elements: [[Task]], resources: BatchPlanner.ResourceClass, tasksPerElement: Int) throws {
        submissionCounter += 1
        let id = "\(runTag)-\(submissionCounter)"
        let dir = slurmDirectory + "/" + id
        let fm = FileManager.default
        for sub in ["tasks", "results", "started", "out"] {
            try fm.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        let workers = elements.map { $0.map { WorkerTask($0.job, attempt: $0.attempt) } }
        for (i, tasks) in workers.enumerated() { try JSONFiles.write(tasks, to: "\(dir)/tasks/\(i).json") }
        var manifest = SubmissionManifest(id: id, jobID: nil, elements: workers.count,
                                          tasks: workers.reduce(0) { $0 + $1.count }, created: Date())
        try JSONFiles.write(manifest, to: dir + "/submission.json")
        let script = dir + "/job.sh"
        try JobScript(settings: settings, name: namePrefix + id, elements: workers.count, directory: dir,
                      projectDirectory: projectDirectory, resources: resources, tasksPerElement: tasksPerElement,
                      arrakis: settings.arrakisPath ?? Self.currentExecutable).text
            .write(toFile: script)
        let jobID: String
        do {
            sbatchCalls += 1
            jobID = try client.submit(script: script)
        } catch {
            // Nothing was queued: the tasks fail with sbatch's message (an unknown account,
            // partition or QOS will not get better by trying again).
            try? fm.removeItem(atPath: dir)
            for task in elements.joined() {
                recorder.taskStarted(task.job)
                try finishFailed(task, message: "\(error)", retry: false)
            }
            return
        }
        manifest.jobID = jobID
        try JSONFiles.write(manifest, to: dir + "/submission.json")
        appendSubmissionLog("\(ISO8601DateFormatter().string(from: Date())) job \(jobID) submission \(id) elements \(workers.count) tasks \(manifest.tasks)")
        let sub = Submission(id: id, directory: dir, jobID: jobID, elements: workers)
        submissions[id] = sub
        for (i, tasks) in elements.enumerated() {
            for var t in tasks {
                t.submission = id
                t.element = i
                inFlight[t.job.key] = t
                recorder.taskStarted(t.job)
            }
        }
    }

    /// `.arrakis/slurm/submissions.log`: one line per sbatch call, kept across builds.
    private func appendSubmissionLog(_ line: String) {
        let fd = open(slurmDirectory + "/submissions.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, $0.count) }
        close(fd)
    }

    static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    // MARK: - Results

    private func readResults() throws {
        for sub in submissions.values where sub.live > 0 {
            try readResults(of: sub)
        }
    }

    private func readResults(of sub: Submission) throws {
        for e in sub.elements.indices where !sub.isDone(e) {
            try apply(sub.newRecords(e), of: sub)
        }
    }

    private func apply(_ records: [ResultRecord], of sub: Submission) throws {
        for record in records {
            guard let task = inFlight[record.key], task.submission == sub.id, task.attempt == record.attempt,
                  record.fingerprint == task.job.fingerprint.description else {
                // A task of an earlier controller's job that the engine has not asked for
                // yet (its upstream is still being recorded): kept for when it does.
                if record.ok, recovered[record.key].map({ $0.record.ended <= record.ended }) ?? true {
                    recovered[record.key] = (record, sub.id)
                }
                continue
            }
            inFlight[record.key] = nil
            if record.ok {
                guard let outputs = committedOutputs(record) else {
                    try finishFailed(task, message: "job \(record.jobID) on \(record.host) reported success but its outputs are missing or changed", record: record)
                    continue
                }
                if let problem = engine.depfileProblem(task.job) {
                    try finishFailed(task, message: "\(problem) (job \(record.jobID) on \(record.host))", record: record)
                    continue
                }
                try succeed(task, record, outputs)
            } else {
                try finishFailed(task, message: "\(record.message ?? "failed") (job \(record.jobID) on \(record.host))", record: record)
            }
        }
    }

    private func succeed(_ task: Task, _ record: ResultRecord, _ outputs: [Trace.Output]) throws {
        let job = task.job
        observer?.taskStarted(.init(key: job.key, family: job.spec.key.family, attempt: task.attempt, time: record.started,
                                    host: record.host, jobID: record.jobID))
        let event = try recorder.record(result(task, record, outcome: .success(outputs)), running: inFlight.count)
        observer?.taskFinished(event)
    }

    /// A task's attempt as the recorder takes it: from its result record, or (no record:
    /// the scheduler ended its job) from now.
    private func result(_ task: Task, _ record: ResultRecord?, outcome: TaskResult.Outcome) -> TaskResult {
        let now = Date()
        let details = TaskAttempt.Details(exitStatus: record?.exitStatus, peakMemoryKB: record?.peakMemoryKB,
                                          logPath: record?.logPath)
        let host = record?.host ?? ""
        return TaskResult(job: task.job, attempt: task.attempt, outcome: outcome,
                          seconds: record.map { $0.ended.timeIntervalSince($0.started) } ?? 0,
                          started: record?.started ?? now, ended: record?.ended ?? now, details: details,
                          host: host.isEmpty ? HostName.current : host,
                          jobID: record?.jobID ?? task.submission.flatMap { submissions[$0]?.jobID }.map { "\($0)_\(task.element)" })
    }

    /// A failed attempt: submitted again while `retries` allow (or, for `lost`, while the
    /// scheduler has not lost it too often), else the product fails.
    private func finishFailed(_ task: Task, message: String, record: ResultRecord? = nil, retry: Bool = true,
                              lost: Bool = false) throws {
        var task = task
        let job = task.job
        let retries = job.spec.resources.retries
        let again: Bool
        if lost {
            task.lost += 1
            again = retry && !interrupted && task.lost <= settings.lostRetries
        } else {
            task.failures += 1
            again = retry && !interrupted && task.failures <= retries
        }
        let r = result(task, record, outcome: .failure(message))
        var note: String?
        if again {
            let budget = lost ? "lost \(task.lost) of \(settings.lostRetries + 1) times" : "attempt \(task.failures) of \(retries + 1)"
            note = "arrakis: \(job.key) failed (\(budget)), submitting again: \(message.split(separator: "\n").first ?? "")"
        }
        observer?.taskStarted(.init(key: job.key, family: job.spec.key.family, attempt: task.attempt, time: r.started,
                                    host: r.host, jobID: r.jobID))
        let event = try recorder.record(r, retryNote: note, running: inFlight.count)
        observer?.taskFinished(event)
        if again {
            task.attempt += 1
            task.submission = nil
            task.queuedAt = Date()
            waiting.append(task)
        }
    }

    // MARK: - The queue

    /// Compares the queue with what is in flight: an element no longer queued has ended;
    /// its tasks without a result failed (the one that was running) or never started.
    private func judge(_ queue: [SlurmClient.QueueEntry]) throws {
        var alive: [String: [Int: SlurmJobState]] = [:]
        for e in queue {
            let subID = String(e.name.dropFirst(namePrefix.count))
            alive[subID, default: [:]][e.index] = e.state
        }
        let now = Date()
        var pending = 0, running = 0, pendingLong = false
        for sub in submissions.values where sub.live > 0 {
            let states = alive[sub.id] ?? [:]
            for element in 0..<sub.elements.count where !sub.isDone(element) {
                if let state = states[element] {
                    if state == .pending {
                        pending += 1
                        let since = sub.pendingSince[element] ?? now
                        sub.pendingSince[element] = since
                        if now.timeIntervalSince(since) > 3 * settings.pollSeconds { pendingLong = true }
                    } else {
                        running += 1
                        sub.pendingSince[element] = nil
                    }
                    continue
                }
                try ended(sub, element)
            }
        }
        // Adaptive jobs in flight: grow while the scheduler starts everything at once,
        // fall back when jobs wait in the queue.
        if !waiting.isEmpty && running > 0 && pending == 0 {
            limit = min(settings.maxJobs, limit * 2)
        } else if pendingLong {
            limit = max(min(settings.minJobs, settings.maxJobs), running)
        }
    }

    /// Element `element` of `sub` is no longer queued.
    private func ended(_ sub: Submission, _ element: Int) throws {
        try readResults(of: sub)
        let missing = sub.elements[element].filter { w in
            guard let t = inFlight[w.key] else { return false }
            return t.submission == sub.id && t.element == element && t.attempt == w.attempt
        }
        if missing.isEmpty {
            sub.ended.insert(element)
            return
        }
        let jobName = sub.jobID.map { "\($0)_\(element)" } ?? "\(sub.id)[\(element)]"
        let end = sub.jobID.flatMap { client.endState(job: $0, index: element) }
        // Nil: neither accounting nor the controller remembers the job.
        var state = end?.state
        let now = Date()
        if state == nil || state == .completed || state == .completing {
            // A worker that exited normally wrote its records; a shared filesystem may show
            // them late.
            let since = sub.missingSince[element] ?? now
            sub.missingSince[element] = since
            if now.timeIntervalSince(since) < 30 && state != nil || state == .completing { return }
        }
        sub.ended.insert(element)
        let startedKeys = Set((try? String(contentsOfFile: "\(sub.directory)/started/\(element)", encoding: .utf8))?
            .split(separator: "\n").map(String.init) ?? [])
        let node = end.map { $0.node.isEmpty ? "" : " on \($0.node)" } ?? ""
        let outTail = LogTail.read("\(sub.directory)/out/\(element).out")
        // Without cgroups SLURM's memory watchdog (OverMemoryKill) fails the job instead of
        // marking it OUT_OF_MEMORY; its message in the job's output says what happened.
        if state != .outOfMemory, ["exceeded memory limit", "Exceeded job memory limit", "oom-kill", "oom_kill"].contains(where: outTail.contains) {
            state = .outOfMemory
        }
        let outNote = outTail.isEmpty ? "" : "; job output (\(sub.directory)/out/\(element).out):\n" + outTail
            .split(separator: "\n", omittingEmptySubsequences: false).map { "    | " + $0 }.joined(separator: "\n")
        for w in missing {
            guard var task = inFlight.removeValue(forKey: w.key) else { continue }
            let wasRunning = startedKeys.contains(Digest(w.key).description)
            switch state {
            case .timeout?, .deadline?:
                if !wasRunning { requeue(&task); continue }
                let perTask = resourceClass(task.job.spec.resources).timeSeconds
                let n = sub.elements[element].count
                let limit = perTask > 0 ? " (\(SlurmDuration.text(perTask)) a task, \(n) task\(n == 1 ? "" : "s") in the job)" : ""
                try finishFailed(task, message: "timed out: job \(jobName)\(node) reached its time limit\(limit); raise 'time'")
            case .outOfMemory?:
                if !wasRunning { requeue(&task); continue }
                let mem = resourceClass(task.job.spec.resources).memoryMB
                try finishFailed(task, message: "out of memory: job \(jobName)\(node) was killed for exceeding its memory (\(mem > 0 ? "\(mem) MB" : "the default"); raise 'mem')")
            case let lostTo? where lostTo.isLost:
                let why: String
                switch lostTo {
                case .cancelled: why = "was cancelled outside arrakis (scancel, an administrator or a limit)"
                case .preempted: why = "was preempted"
                default: why = "was lost to a node failure (\(lostTo))"
                }
                try finishFailed(task, message: "job \(jobName)\(node) \(why)\(wasRunning ? " while this task ran" : " before this task started")",
                                 lost: true)
            default:
                try finishFailed(task, message: "job \(jobName)\(node) ended (\(state.map(\.description) ?? "UNKNOWN")\(end.map { ", exit \($0.exitCode)" } ?? "")) without a result for this task\(outNote)")
            }
        }
    }

    /// A task whose element ended before it started goes back to the queue as it was.
    private func requeue(_ task: inout Task) {
        task.submission = nil
        task.queuedAt = Date()
        waiting.append(task)
    }

    // MARK: - Restart and cleanup

    /// Reads the submissions earlier controllers left: results already written become
    /// `recovered`, tasks of elements still queued or running become attachable.
    private func loadEarlierSubmissions(queue: [SlurmClient.QueueEntry]) throws {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: slurmDirectory) else { return }
        var alive: [String: Set<Int>] = [:]
        var jobIDs: [String: String] = [:]
        for e in queue {
            let sub = String(e.name.dropFirst(namePrefix.count))
            alive[sub, default: []].insert(e.index)
            jobIDs[sub] = e.arrayJobID
        }
        for name in names.sorted() {
            let dir = slurmDirectory + "/" + name
            guard let manifest = try? JSONFiles.read(SubmissionManifest.self, from: dir + "/submission.json") else { continue }
            var elements: [[WorkerTask]] = []
            for i in 0..<manifest.elements {
                elements.append((try? JSONFiles.read([WorkerTask].self, from: "\(dir)/tasks/\(i).json")) ?? [])
            }
            // A controller killed between sbatch and writing the job id: the queue knows it.
            let sub = Submission(id: manifest.id, directory: dir, jobID: manifest.jobID ?? jobIDs[manifest.id], elements: elements)
            let live = alive[manifest.id] ?? []
            for i in 0..<elements.count where !live.contains(i) { sub.ended.insert(i) }
            for e in elements.indices {
                for record in sub.newRecords(e) where record.ok {
                    if let old = recovered[record.key], old.record.ended > record.ended { continue }
                    recovered[record.key] = (record, sub.id)
                }
            }
            for i in live {
                guard i < elements.count else { continue }
                for w in elements[i] where !sub.hasResult(w, element: i) { earlierTasks[w.key] = (sub.id, i) }
            }
            submissions[sub.id] = sub
            if sub.live > 0 {
                progress.note("arrakis: re-attaching to job \(manifest.jobID ?? sub.id) (\(sub.live) element(s) still queued or running)")
            }
        }
    }

    /// Removes the directories of submissions whose elements have all ended (their results
    /// are recorded in the trace store, which is synced first).
    private func removeFinishedSubmissions() {
        for sub in submissions.values where sub.complete {
            try? FileManager.default.removeItem(atPath: sub.directory)
        }
    }

    // MARK: - Ctrl-C

    private func interrupt() {
        guard !interrupted else { return }
        interrupted = true
        recorder.interrupted = true
        engine.stop()
        waiting.removeAll()
        let jobs = Set(inFlight.values.compactMap { $0.submission.flatMap { submissions[$0]?.jobID } })
        progress.note("arrakis: interrupted, cancelling \(jobs.count) SLURM job(s): \(jobs.sorted().joined(separator: " "))")
        client.cancel(jobs.sorted())
        // What finished is recorded; what did not is forgotten (its jobs are cancelled).
        try? readResults()
        for (key, task) in inFlight {
            inFlight[key] = nil
            try? engine.failed(task.job.id, message: "interrupted", kind: .interrupted)
        }
    }
}
