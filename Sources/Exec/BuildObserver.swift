import Foundation
import Graph

/// Listens to an executor: run history, dashboards, tests. Executors call it; it knows
/// nothing of how they run tasks, and they know nothing of what it does with the events.
///
/// Calls come from the controller and from worker threads, sometimes while the executor
/// holds its scheduling lock: implementations must be thread-safe and cheap (queue the
/// event and return; never block on I/O or a network).
///
/// An executor calls, in order: `runStarted` once, after planning; for each attempt,
/// `taskStarted` then `taskFinished` (a retried task has one pair per attempt, the earlier
/// ones with status `.retrying`); `runFinished` once, when nothing runs any more. Every
/// method has an empty default.
public protocol BuildObserver: AnyObject, Sendable {
    func runStarted(_ run: BuildEvent.RunStarted)
    func taskStarted(_ task: BuildEvent.TaskStarted)
    func taskFinished(_ task: BuildEvent.TaskFinished)
    func runFinished(_ run: BuildEvent.RunFinished)
}

extension BuildObserver {
    public func runStarted(_ run: BuildEvent.RunStarted) {}
    public func taskStarted(_ task: BuildEvent.TaskStarted) {}
    public func taskFinished(_ task: BuildEvent.TaskFinished) {}
    public func runFinished(_ run: BuildEvent.RunFinished) {}
}

/// The events a `BuildObserver` receives: plain values, safe to keep and send.
public enum BuildEvent {
    public struct RunStarted: Sendable {
        /// `local`, `slurm`...
        public var executor: String
        /// Tasks that may run at once (workers, or jobs in flight).
        public var workers: Int
        /// Products found out of date so far (fan-outs may add more).
        public var planned: Int
        public var time: Date
        public init(executor: String, workers: Int, planned: Int, time: Date = Date()) {
            self.executor = executor
            self.workers = workers
            self.planned = planned
            self.time = time
        }
    }

    public struct TaskStarted: Sendable {
        public var key: String
        public var family: String
        public var attempt: Int
        public var time: Date
        /// Where it runs: a host name, and a batch job id (`JOBID_TASK`) for SLURM.
        public var host: String
        public var jobID: String?
        public init(key: String, family: String, attempt: Int, time: Date = Date(), host: String = HostName.current,
                    jobID: String? = nil) {
            self.key = key
            self.family = family
            self.attempt = attempt
            self.time = time
            self.host = host
            self.jobID = jobID
        }
    }

    public struct TaskFinished: Sendable {
        public enum Status: Sendable, Equatable {
            case succeeded
            /// Failed; no retry follows.
            case failed
            /// Failed; the executor runs it again (a new attempt).
            case retrying
        }

        public var key: String
        public var family: String
        public var reason: DirtyReason
        public var fingerprint: Digest
        public var attempt: Int
        public var status: Status
        public var started: Date
        public var ended: Date
        /// Wall-clock seconds of the attempt.
        public var seconds: Double
        /// Outputs committed (success only), with their content digests.
        public var outputs: [Trace.Output]
        /// Why it failed (exit status or signal, last lines of the log).
        public var message: String?
        /// The command's exit status, when a process exited.
        public var exitStatus: Int32?
        /// Peak resident memory in KiB, when known: for a command, the `ru_maxrss` of its
        /// largest process (children included); for an in-process built-in, the process's
        /// high-water mark when it ended (an upper bound). See `TaskRecord.peakMemoryKB`.
        public var peakMemoryKB: Int?
        public var host: String
        public var jobID: String?
        /// The log kept for this attempt, if any.
        public var logPath: String?

        public init(key: String, family: String, reason: DirtyReason, fingerprint: Digest, attempt: Int, status: Status,
                    started: Date, ended: Date, seconds: Double, outputs: [Trace.Output] = [], message: String? = nil,
                    exitStatus: Int32? = nil, peakMemoryKB: Int? = nil, host: String = HostName.current,
                    jobID: String? = nil, logPath: String? = nil) {
            self.key = key
            self.family = family
            self.reason = reason
            self.fingerprint = fingerprint
            self.attempt = attempt
            self.status = status
            self.started = started
            self.ended = ended
            self.seconds = seconds
            self.outputs = outputs
            self.message = message
            self.exitStatus = exitStatus
            self.peakMemoryKB = peakMemoryKB
            self.host = host
            self.jobID = jobID
            self.logPath = logPath
        }
    }

    public struct RunFinished: Sendable {
        public var counts: BuildEngine.Counts
        public var interrupted: Bool
        /// Products that failed for good.
        public var failures: Int
        public var seconds: Double
        public var time: Date
        public init(counts: BuildEngine.Counts, interrupted: Bool, failures: Int, seconds: Double, time: Date = Date()) {
            self.counts = counts
            self.interrupted = interrupted
            self.failures = failures
            self.seconds = seconds
            self.time = time
        }
    }
}

/// This machine's host name, read once.
public enum HostName {
    public static let current: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()
}
