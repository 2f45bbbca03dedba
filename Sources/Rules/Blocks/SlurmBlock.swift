import Language
/// The `executor slurm { ... }` block, lowered: what it sets, each value checked (errors
/// name the value's file:line:col). Nil fields are unset; the CLI lays its command-line
/// options over these and fills the rest with the executor's defaults.
public struct SlurmBlock: Sendable, Equatable {
    /// `#SBATCH --account`, `--partition`, `--qos`.
    public var account: String?
    public var partition: String?
    public var qos: String?
    /// Defaults for products that set no `time`, `mem` or `cpus` of their own (per task).
    public var timeSeconds: Int?
    public var memoryMB: Int?
    public var cpus: Int?
    /// Extra `#SBATCH` lines (without the `#SBATCH`) and shell lines every job runs first.
    public var sbatchLines: [String] = []
    public var prologue: [String] = []
    public var maxJobs: Int?
    public var minJobs: Int?
    public var pollSeconds: Double?
    public var tasksPerJob: Int?
    /// `job_time`: the work an element is given when tasks per job are chosen automatically.
    public var jobSeconds: Int?
    /// `arrakis`: the path of arrakis on the compute nodes.
    public var arrakisPath: String?

    public init() {}
}

extension Project {
    /// The `executor slurm` block lowered, or an empty one when the Arrakisfile has none.
    public func slurmBlock(environment: [String: String]? = nil) throws -> SlurmBlock {
        var block = SlurmBlock()
        guard let entries = try blockEntries("executor", name: "slurm", environment: environment) else { return block }
        for entry in entries { try SlurmBlockEntry(entry).apply(to: &block) }
        return block
    }
}
