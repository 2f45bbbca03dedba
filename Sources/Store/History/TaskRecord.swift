import Foundation

/// One attempt at one product in one run.
public struct TaskRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case succeeded
        /// Failed for good (no retries left, or the run was stopped).
        case failed
        /// Failed and was tried again (the next attempt has its own record).
        case retried
    }

    /// An output file and the XXH3-128 (hex) of its content.
    public struct Output: Sendable, Equatable, Codable {
        public var path: String
        public var digest: String
        public init(path: String, digest: String) {
            self.path = path
            self.digest = digest
        }
    }

    public var runID: String
    /// The product instance key, e.g. `cutout[RACS_1237+12A, 3165]`.
    public var product: String
    /// The product's family (`cutout`): durations are averaged per family.
    public var family: String
    /// 1 for the first try, 2 for the first retry...
    public var attempt: Int
    /// Why it ran: the engine's reason (`input inputs/a.txt changed`, `never built`...).
    public var reason: String
    /// XXH3-128 (hex) of the rule, parameters and input digests it ran with.
    public var fingerprint: String
    public var status: Status
    public var started: Date
    public var ended: Date
    /// Wall-clock seconds of the command (microsecond resolution).
    public var duration: Double
    /// Peak resident memory in KiB, when known.
    /// - Shell tasks: the largest process of the command (`ru_maxrss` from `wait4`, which
    ///   covers the children it waited for). Linux counts the spawning process's own peak
    ///   into a child's `ru_maxrss` (the address space replaced at exec is the spawner's), so
    ///   a command that stayed below the spawner's peak cannot be measured: nil.
    /// - Built-in rules run inside arrakis: the arrakis process's high-water mark when the
    ///   task ended, an upper bound that includes the controller and built-ins running alongside.
    /// - Other executors (SLURM) report what their workers or the scheduler measured.
    public var peakMemoryKB: Int64?
    /// Where it ran: the host name, and the batch job (SLURM `JOBID_TASK`) if any.
    public var host: String
    public var jobID: String?
    /// The command's exit status (shell tasks that exited).
    public var exitStatus: Int?
    /// Why it failed: the executor's message (exit status or signal, last log lines).
    public var message: String?
    /// The task's log, when one was kept (failed tasks).
    public var logPath: String?
    public var outputs: [Output]

    public init(runID: String, product: String, family: String, attempt: Int, reason: String, fingerprint: String,
                status: Status, started: Date, ended: Date, duration: Double, peakMemoryKB: Int64? = nil,
                host: String, jobID: String? = nil, exitStatus: Int? = nil, message: String? = nil,
                logPath: String? = nil, outputs: [Output] = []) {
        self.runID = runID
        self.product = product
        self.family = family
        self.attempt = attempt
        self.reason = reason
        self.fingerprint = fingerprint
        self.status = status
        self.started = HistoryTime.rounded(started)
        self.ended = HistoryTime.rounded(ended)
        self.duration = HistoryTime.rounded(seconds: duration)
        self.peakMemoryKB = peakMemoryKB
        self.host = host
        self.jobID = jobID
        self.exitStatus = exitStatus
        self.message = message
        self.logPath = logPath
        self.outputs = outputs
    }
}
