import Foundation
import Graph

/// One attempt of one job as an executor reports it to the `ResultRecorder`.
struct TaskResult: Sendable {
    var job: BuildEngine.Job
    var attempt: Int
    var outcome: Outcome
    var seconds: Double
    var started: Date
    var ended: Date
    /// Measurements of the attempt, for observers.
    var details: TaskAttempt.Details
    /// Where it ran: a host, and a batch job (`JOBID_TASK`) for SLURM.
    var host: String = HostName.current
    var jobID: String?

    enum Outcome: Sendable {
        case success([Trace.Output])
        case failure(String)
    }
}
