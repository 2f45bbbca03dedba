import ArgumentParser
import Exec
import Foundation
import Rules

/// `arrakis build --executor slurm` options; each overrides the Arrakisfile's
/// `executor slurm { ... }` setting of the same name.
struct SlurmOptions: ParsableArguments {
    @Option(help: "Where tasks run: local (this machine) or slurm (job arrays on a SLURM cluster).")
    var executor: ExecutorKind = .local

    @Option(help: "SLURM: tasks each array element runs (default: from recorded durations and the work waiting).")
    var tasksPerJob: Int?

    @Option(help: "SLURM: most array elements queued or running at once (default 256).")
    var maxJobs: Int?

    @Option(help: "SLURM: array elements in flight to start with; doubles while jobs start promptly (default 16).")
    var minJobs: Int?

    @Option(help: "SLURM: seconds between looks at the queue (default 10).")
    var poll: Double?

    @Option(help: "SLURM: --account for every job.")
    var account: String?

    @Option(help: "SLURM: --partition for every job.")
    var partition: String?

    @Option(help: "SLURM: --qos for every job.")
    var qos: String?

    func validate() throws {
        if let v = tasksPerJob { try OptionRange.check(v, 1...1_000_000, "--tasks-per-job") }
        if let v = maxJobs { try OptionRange.check(v, 1...100_000, "--max-jobs") }
        if let v = minJobs { try OptionRange.check(v, 1...100_000, "--min-jobs") }
        if let v = poll { try OptionRange.check(v, above: 0, atMost: 86_400, "--poll") }
    }

    /// The block's settings (lowered by Rules), then the options given here.
    func settings(project: Project) throws -> SlurmSettings {
        var s = SlurmSettings(try project.slurmBlock())
        if let v = account { s.account = v }
        if let v = partition { s.partition = v }
        if let v = qos { s.qos = v }
        if let v = tasksPerJob {
            guard v > 0 else { throw CLIError("--tasks-per-job must be at least 1") }
            s.tasksPerJob = v
        }
        if let v = maxJobs {
            guard v > 0 else { throw CLIError("--max-jobs must be at least 1") }
            s.maxJobs = v
        }
        if let v = minJobs {
            guard v > 0 else { throw CLIError("--min-jobs must be at least 1") }
            s.minJobs = v
        }
        if let v = poll {
            guard v > 0 else { throw CLIError("--poll must be a positive number of seconds") }
            s.pollSeconds = v
        }
        s.minJobs = min(s.minJobs, s.maxJobs)
        for (name, value) in [("account", s.account), ("partition", s.partition), ("qos", s.qos)] {
            if let value, value.isEmpty || value.contains(where: { $0.isNewline || $0 == " " }) {
                throw CLIError("the SLURM \(name) '\(value)' must be one word")
            }
        }
        return s
    }
}
