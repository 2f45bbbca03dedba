import Foundation
import Graph

/// What a worker reports for one attempt of one job.
struct TaskResult: Sendable {
    var job: BuildEngine.Job
    var attempt: Int
    var outcome: Outcome
    var seconds: Double
    var started: Date
    var ended: Date
    /// Measurements of the attempt, for observers.
    var details: TaskAttempt.Details

    enum Outcome: Sendable {
        case success([Trace.Output])
        case failure(String)
    }
}
