import Graph

/// What a build did, whichever executor ran it.
public struct BuildReport: Sendable {
    /// The executor's name (`local`, `slurm`).
    public var executor: String
    public var counts: BuildEngine.Counts
    /// Every failure, in the order it happened: tasks that failed after their retries,
    /// products that could not be judged, families that could not be expanded.
    public var problems: [Problem]
    /// Stopped by Ctrl-C (or `Executor.cancel`).
    public var interrupted: Bool
    /// From the executor's start to its report.
    public var seconds: Double

    public init(executor: String, counts: BuildEngine.Counts, problems: [Problem], interrupted: Bool, seconds: Double) {
        self.executor = executor
        self.counts = counts
        self.problems = problems
        self.interrupted = interrupted
        self.seconds = seconds
    }

    public var succeeded: Bool { problems.isEmpty && !interrupted }

    /// Problems the progress display has not shown: a task's failure is printed as it
    /// happens, the others only at the end.
    public var unannounced: [Problem] { problems.filter { $0.kind != .taskFailed } }
}
