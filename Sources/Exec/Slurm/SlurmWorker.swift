#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Graph

/// What one array element of a SLURM submission runs (`arrakis run-task DIR ELEMENT`): its
/// tasks one after the other, each written like the local executor writes it (temporaries
/// renamed into place), each reported by a result record appended to
/// `DIR/results/ELEMENT.jsonl` (`ResultLog`) that the controller picks up. Before a task starts its key's digest is
/// appended to `DIR/started/ELEMENT`, so when the scheduler ends the job the controller
/// knows which task was running.
///
/// On SIGTERM (scancel, time limit) the running command's process group is signalled, its
/// temporaries removed, and no record is written for it, whatever its exit status: the
/// controller learns from the scheduler why the job ended.
public enum SlurmWorker {
    public static func run(submission dir: String, element: Int, builtins: BuiltinRegistry) throws -> Int32 {
        let tasks = try JSONFiles.read([WorkerTask].self, from: "\(dir)/tasks/\(element).json")
        let env = ProcessInfo.processInfo.environment
        let jobID = env["SLURM_ARRAY_JOB_ID"].map { "\($0)_\(env["SLURM_ARRAY_TASK_ID"] ?? String(element))" }
            ?? env["SLURM_JOB_ID"] ?? "local"
        // DIR is STATE/slurm/ID; failed tasks keep their logs in STATE/logs like local builds.
        let state = URL(fileURLWithPath: dir).deletingLastPathComponent().deletingLastPathComponent().path
        let logs = state + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)

        InterruptFlag.install()
        let child = RunningChild()
        let watcher = Thread {
            var signalledAt: Date?
            while true {
                usleep(50_000)
                guard InterruptFlag.interrupts > 0 else { continue }
                let now = Date()
                if let pid = child.pid {
                    if signalledAt == nil { kill(-pid, SIGTERM); signalledAt = now }
                    else if now.timeIntervalSince(signalledAt!) > 3 { kill(-pid, SIGKILL) }
                }
            }
        }
        watcher.start()

        let attempt = TaskAttempt(builtins: builtins, scratchLog: "\(logs)/slurm-\(jobID)-\(getpid()).log",
                                  logDirectory: logs, onProcess: { pid in child.pid = pid },
                                  stopped: { InterruptFlag.interrupts > 0 })
        let startedFD = open("\(dir)/started/\(element)", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer { if startedFD >= 0 { close(startedFD) } }
        let resultPath = ResultLog.path(dir, element: element)
        // A job the scheduler ran again (requeue) skips what it already reported.
        let reported = Set(ResultLog.read(resultPath).records.map { "\($0.key)\n\($0.attempt)" })
        for task in tasks {
            if InterruptFlag.interrupts > 0 { break }
            if reported.contains("\(task.key)\n\(task.attempt)") { continue }
            if startedFD >= 0 {
                let line = Array((Digest(task.key).description + "\n").utf8)
                _ = line.withUnsafeBytes { Glibc.write(startedFD, $0.baseAddress!, $0.count) }
            }
            let started = Date()
            let (outcome, details) = attempt.runMeasured(key: task.key, command: task.command, outputs: task.outputs)
            let ended = Date()
            if case .failure = outcome, details.exitStatus == nil {
                // Killed by a signal: when SLURM is ending the job (scancel, time or memory
                // limit) this worker is signalled too, maybe a moment later. The scheduler
                // then says why; a record here would only say "killed by signal 9".
                for _ in 0..<20 where InterruptFlag.interrupts == 0 { usleep(100_000) }
            }
            // Told to stop while the task ran: its result is not trusted even when the command
            // exited 0 (a shell whose first command was killed may go on to its next one and
            // succeed). No record: the scheduler says why the job ended, and the controller
            // submits the task again.
            if InterruptFlag.interrupts > 0 { break }
            var record = ResultRecord(key: task.key, fingerprint: task.fingerprint, attempt: task.attempt, ok: false,
                                      outputs: [], message: nil, exitStatus: details.exitStatus,
                                      peakMemoryKB: details.peakMemoryKB, logPath: details.logPath,
                                      started: started, ended: ended, host: HostName.current, jobID: jobID)
            switch outcome {
            case .success(let outputs):
                record.ok = true
                record.outputs = outputs.map { .init(path: $0.path, digest: $0.digest.description, size: $0.signature.size) }
            case .failure(let message):
                record.message = message
            }
            try ResultLog.append(record, to: resultPath)
        }
        return 0
    }
}

/// The pid of the command a worker is running, shared with its signal watcher.
final class RunningChild: @unchecked Sendable {
    private let lock = NSLock()
    private var value: pid_t?
    var pid: pid_t? {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }
}
