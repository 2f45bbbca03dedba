import ArgumentParser
import Exec
import Foundation
import Rules

/// `arrakis build --executor slurm` options; each overrides the Arrakisfile's
/// `executor slurm { ... }` setting of the same name.
struct SlurmOptions: ParsableArguments {
    @Option(help: "Where tasks run: local (this machine) or slurm (job arrays on a SLURM cluster).")
    var executor: String = "local"

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

    /// The block's settings, then the options given here.
    func settings(project: Project) throws -> SlurmSettings {
        var s = try Self.blockSettings(project)
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

    /// `executor slurm { ... }`, checked value by value; errors name file:line:col.
    static func blockSettings(_ project: Project) throws -> SlurmSettings {
        var s = SlurmSettings()
        guard let entries = try project.blockEntries("executor", name: "slurm") else { return s }
        for e in entries {
            func fail(_ expected: String) -> Diagnostic {
                Diagnostic.at(e.valueLocation, "'\(e.key)' in the 'executor slurm' block must be \(expected), found \(describe(e.value))")
            }
            func word() throws -> String {
                guard case .string(let text) = e.value, !text.isEmpty,
                      !text.contains(where: { $0.isNewline || $0 == " " }) else { throw fail("one word in quotes (as in \(e.key) \"work\")") }
                return text
            }
            func lines(_ example: String) throws -> [String] {
                let items: [Value]
                if case .list(let l) = e.value { items = l } else { items = [e.value] }
                return try items.map { item in
                    guard case .string(let text) = item, !text.contains(where: \.isNewline) else {
                        throw fail("a string or a list of strings (as in \(e.key) \(example))")
                    }
                    return text
                }
            }
            func positive() throws -> Int {
                guard case .integer(let n) = e.value, n > 0 else { throw fail("a positive integer (as in \(e.key) 64)") }
                return n
            }
            func seconds() throws -> Int {
                switch e.value {
                case .integer(let n) where n > 0: return n
                case .string(let text): if let n = ResourceSyntax.seconds(text) { return n }
                default: break
                }
                throw fail("a duration like \"HH:MM:SS\", \"30m\" or \"2h\", or seconds as an integer")
            }
            switch e.key {
            case "account": s.account = try word()
            case "partition": s.partition = try word()
            case "qos": s.qos = try word()
            case "time": s.timeSeconds = try seconds()
            case "job_time": s.jobSeconds = try seconds()
            case "mem":
                switch e.value {
                case .integer(let n) where n > 0: s.memoryMB = n
                case .string(let text) where ResourceSyntax.megabytes(text) != nil: s.memoryMB = ResourceSyntax.megabytes(text)
                default: throw fail("megabytes as an integer or a size like \"4G\"")
                }
            case "cpus": s.cpus = try positive()
            case "max_jobs": s.maxJobs = try positive()
            case "min_jobs": s.minJobs = try positive()
            case "tasks_per_job": s.tasksPerJob = try positive()
            case "poll":
                switch e.value {
                case .integer(let n) where n > 0: s.pollSeconds = Double(n)
                case .float(let d) where d > 0: s.pollSeconds = d
                case .string(let text): if let n = ResourceSyntax.seconds(text) { s.pollSeconds = Double(n) } else { throw fail("seconds (as in poll 10)") }
                default: throw fail("seconds (as in poll 10)")
                }
            case "sbatch":
                s.sbatchLines = try lines("\"--constraint=skylake\"").map { $0.hasPrefix("#SBATCH") ? String($0.dropFirst(7)).trimmingCharacters(in: .whitespaces) : $0 }
            case "prologue": s.prologue = try lines("\"module load singularity\"")
            case "arrakis":
                guard case .string(let path) = e.value, !path.isEmpty else { throw fail("the path of arrakis on the compute nodes") }
                s.arrakisPath = path
            default:
                break   // the checker reports unknown settings when the Arrakisfile is loaded
            }
        }
        return s
    }

    static func describe(_ v: Value) -> String {
        switch v {
        case .string(let s): return "the string \"\(s)\""
        case .integer(let n): return "the integer \(n)"
        case .float(let d): return "the number \(d)"
        case .bool(let b): return "\(b)"
        case .list: return "a list"
        }
    }
}
