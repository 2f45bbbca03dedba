/// How `arrakis build --executor slurm` submits work: the `executor slurm { ... }` block of
/// the Arrakisfile, overridden by command-line options.
public struct SlurmSettings: Sendable, Equatable {
    /// `#SBATCH --account`, `--partition`, `--qos` (nil: the cluster's default).
    public var account: String?
    public var partition: String?
    public var qos: String?
    /// Defaults for rules that set no `time`, `mem` or `cpus` of their own (per task).
    public var timeSeconds: Int?
    public var memoryMB: Int?
    public var cpus: Int?
    /// Extra lines for the job script's header, each becoming `#SBATCH LINE`.
    public var sbatchLines: [String] = []
    /// Shell lines run by every job before its tasks (`module load ...`).
    public var prologue: [String] = []
    /// Array elements (jobs) queued or running at once: the controller starts at `minJobs`
    /// and doubles while the scheduler starts its jobs promptly, up to `maxJobs`.
    public var maxJobs: Int = 256
    public var minJobs: Int = 16
    /// Seconds between looks at the queue (`squeue`); results are read more often.
    public var pollSeconds: Double = 10
    /// Tasks each array element runs one after the other; nil: chosen per submission from
    /// recorded durations (`jobSeconds` of work per element) and the work waiting.
    public var tasksPerJob: Int?
    /// Work an element should hold when tasks-per-job is chosen automatically.
    public var jobSeconds: Int = 3600
    /// The `arrakis` the jobs run (it must be visible on the compute nodes); default: this one.
    public var arrakisPath: String?
    /// Tasks lost to the scheduler (cancelled by hand, node failure, preemption) are
    /// submitted again up to this many times without counting against their `retries`.
    public var lostRetries: Int = 3

    public init() {}
}

/// Errors of the SLURM executor that a user can act on.
public struct SlurmError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
