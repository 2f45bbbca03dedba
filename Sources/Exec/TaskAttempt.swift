#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Graph

/// One attempt at one job: prepare the outputs' temporaries, run the command, then commit
/// (hash and rename into place) or discard.
struct TaskAttempt {
    let builtins: BuiltinRegistry
    /// The worker's scratch log, reused from task to task; kept under a per-task name only
    /// when the task fails.
    let scratchLog: String
    let logDirectory: String
    /// Called with the pid of a spawned command, and with nil when it has ended.
    let onProcess: (pid_t?) -> Void
    /// The scratch log's descriptor, kept open from task to task.
    private let scratch: ScratchLog
    /// Asked after a command succeeded, before its outputs are put in place: true means the
    /// attempt was told to stop while it ran, so its outputs are not trusted (a shell whose
    /// first command was killed may go on to the next and exit 0) and are discarded.
    let stopped: () -> Bool

    init(builtins: BuiltinRegistry, scratchLog: String, logDirectory: String, onProcess: @escaping (pid_t?) -> Void,
         stopped: @escaping () -> Bool = { false }) {
        self.builtins = builtins
        self.scratchLog = scratchLog
        self.logDirectory = logDirectory
        self.onProcess = onProcess
        self.stopped = stopped
        scratch = ScratchLog(path: scratchLog)
    }

    /// What an attempt measured besides its outcome.
    struct Details: Sendable {
        /// The command's exit status, when a process exited.
        var exitStatus: Int32?
        /// Peak resident memory (KiB). Shell tasks: the command's largest process, known only
        /// when above arrakis's own peak (nil otherwise, see `run`). Built-ins: the arrakis
        /// process's high-water mark when the task ended (an upper bound).
        var peakMemoryKB: Int?
        /// The log kept under the product's name (failures).
        var logPath: String?
    }

    func run(_ job: BuildEngine.Job) -> TaskResult.Outcome { runMeasured(job).outcome }

    /// `run`, with what the attempt measured.
    func runMeasured(_ job: BuildEngine.Job) -> (outcome: TaskResult.Outcome, details: Details) {
        runMeasured(key: job.key, command: job.spec.command, outputs: job.spec.outputs.array)
    }

    /// `runMeasured` for a task described without a graph (a SLURM worker's).
    func runMeasured(key: String, command: TaskCommand, outputs: [String]) -> (outcome: TaskResult.Outcome, details: Details) {
        var details = Details()
        let outcome = run(key: key, command: command, outputs: outputs, &details)
        return (outcome, details)
    }

    private func run(key: String, command: TaskCommand, outputs: [String], _ details: inout Details) -> TaskResult.Outcome {
        do {
            try TemporaryOutput.prepare(outputs)
        } catch {
            return .failure("\(error)")
        }
        switch command {
        case .shell(let command):
            let (outcome, peak) = scratch.emptied().map { ShellCommand.runMeasured(command, log: $0, onSpawn: { onProcess($0) }) }
                ?? ShellCommand.runMeasured(command, logPath: scratchLog, onSpawn: { onProcess($0) })
            onProcess(nil)
            // Linux folds the spawning process's own peak into a spawned child's ru_maxrss (the
            // old address space at exec is ours): only a figure above our peak is the command's.
            if let peak, let ours = MemoryUsage.processPeakKB(), peak > ours { details.peakMemoryKB = peak }
            switch outcome {
            case .exited(0):
                details.exitStatus = 0
            case .exited(let code):
                details.exitStatus = code
                return fail(key, outputs, "exit status \(code)", &details)
            case .signaled(let sig):
                return fail(key, outputs, "killed by signal \(sig)", &details)
            case .spawnFailed(let why):
                TemporaryOutput.discard(outputs)
                return .failure("could not start /bin/sh: \(why)")
            }
        case .builtin(let kind, let arguments):
            guard let rule = builtins.rules[kind] else {
                return .failure("unknown built-in rule '\(kind)'")
            }
            let log = TaskLog(path: scratchLog)
            defer { details.peakMemoryKB = MemoryUsage.processPeakKB() }
            do {
                try rule.run(arguments: arguments, outputs: outputs.map(TemporaryOutput.path(for:)), log: log)
            } catch {
                log.write("error: \(error)")
                try? log.save()
                return fail(key, outputs, "\(error)", &details)
            }
        }
        if stopped() {
            TemporaryOutput.discard(outputs)
            return .failure("stopped while it ran; its outputs were discarded")
        }
        do {
            return .success(try outputs.map(TemporaryOutput.commit))
        } catch {
            TemporaryOutput.discard(outputs)
            return .failure("\(error)")
        }
    }

    /// Discards the temporaries and keeps the log under the product's name.
    private func fail(_ key: String, _ outputs: [String], _ what: String,
                      _ details: inout Details) -> TaskResult.Outcome {
        TemporaryOutput.discard(outputs)
        let kept = logDirectory + "/" + Self.logName(key)
        if rename(scratchLog, kept) != 0 { return .failure(what + " (log: \(scratchLog))") }
        scratch.detach()   // the open descriptor now names the kept log
        details.logPath = kept
        let tail = LogTail.read(kept)
        if tail.isEmpty { return .failure(what + " (no output; log: \(kept))") }
        return .failure(what + "; last lines of \(kept):\n" + tail.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "    | " + $0 }.joined(separator: "\n"))
    }

    /// A file name for a product's log: readable where possible, unique by digest.
    static func logName(_ key: String) -> String {
        let safe = String(key.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(60))
        return safe + "-" + String(Digest(key).description.prefix(8)) + ".log"
    }
}

/// A worker's scratch log held open across its tasks. Emptied before each command only when
/// the previous one wrote something; reopened (created) after a failure kept it under
/// another name.
final class ScratchLog: @unchecked Sendable {
    let path: String
    private var fd: Int32 = -1

    init(path: String) { self.path = path }

    deinit { if fd >= 0 { close(fd) } }

    /// The descriptor, empty and at offset 0; nil if the file cannot be opened.
    func emptied() -> Int32? {
        if fd < 0 {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            // 0, 1 and 2 are the command's own: keep the log elsewhere (or open it per task).
            if fd >= 0 && fd <= 2 { close(fd); fd = -1 }
            return fd >= 0 ? fd : nil
        }
        var st = stat()
        if lseek(fd, 0, SEEK_CUR) != 0 || (fstat(fd, &st) == 0 && st.st_size > 0) {
            guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else { detach(); return nil }
        }
        return fd
    }

    /// Forgets the descriptor (the file was renamed away).
    func detach() {
        if fd >= 0 { close(fd) }
        fd = -1
    }
}
