import Graph

/// What a worker reports for one attempt of one job.
struct TaskResult: Sendable {
    var job: BuildEngine.Job
    var attempt: Int
    var outcome: Outcome
    var seconds: Double

    enum Outcome: Sendable {
        case success([Trace.Output])
        case failure(String)
    }
}
