import Language
import Foundation

/// One `key VALUE` line of the `executor slurm` block, read into a `SlurmBlock`.
struct SlurmBlockEntry {
    let entry: BlockEntry
    init(_ entry: BlockEntry) { self.entry = entry }

    private var key: String { entry.key }
    private var value: Value { entry.value }

    func apply(to s: inout SlurmBlock) throws {
        switch key {
        case "account": s.account = try word()
        case "partition": s.partition = try word()
        case "qos": s.qos = try word()
        case "time": s.timeSeconds = try seconds()
        case "job_time": s.jobSeconds = try seconds()
        case "mem": s.memoryMB = try megabytes()
        case "cpus": s.cpus = try positive()
        case "max_jobs": s.maxJobs = try positive()
        case "min_jobs": s.minJobs = try positive()
        case "tasks_per_job": s.tasksPerJob = try positive()
        case "poll": s.pollSeconds = try pollSeconds()
        case "sbatch":
            s.sbatchLines = try lines("\"--constraint=skylake\"").map {
                $0.hasPrefix("#SBATCH") ? String($0.dropFirst(7)).trimmingCharacters(in: .whitespaces) : $0
            }
        case "prologue": s.prologue = try lines("\"module load singularity\"")
        case "arrakis":
            guard case .string(let path) = value, !path.isEmpty else { throw fail("the path of arrakis on the compute nodes") }
            s.arrakisPath = path
        default:
            break   // the checker reports unknown settings when the Arrakisfile is loaded
        }
    }

    private func fail(_ expected: String) -> Diagnostic {
        Diagnostic.at(entry.valueLocation, "'\(key)' in the 'executor slurm' block must be \(expected), found \(Self.describe(value))")
    }

    private func word() throws -> String {
        guard case .string(let text) = value, !text.isEmpty,
              !text.contains(where: { $0.isNewline || $0 == " " }) else { throw fail("one word in quotes (as in \(key) \"work\")") }
        return text
    }

    private func lines(_ example: String) throws -> [String] {
        let items: [Value]
        if case .list(let l) = value { items = l } else { items = [value] }
        return try items.map { item in
            guard case .string(let text) = item, !text.contains(where: \.isNewline) else {
                throw fail("a string or a list of strings (as in \(key) \(example))")
            }
            return text
        }
    }

    private func positive() throws -> Int {
        guard case .integer(let n) = value, n > 0 else { throw fail("a positive integer (as in \(key) 64)") }
        return n
    }

    /// `time` and `job_time`: the product setting's syntax.
    private func seconds() throws -> Int {
        switch value {
        case .integer(let n) where n > 0: return n
        case .string(let text): if let n = ResourceSyntax.seconds(text) { return n }
        default: break
        }
        throw fail("a duration like \"HH:MM:SS\", \"30m\" or \"2h\", or seconds as an integer")
    }

    /// `mem`: the product setting's syntax.
    private func megabytes() throws -> Int {
        switch value {
        case .integer(let n) where n > 0: return n
        case .string(let text): if let n = ResourceSyntax.megabytes(text) { return n }
        default: break
        }
        throw fail("megabytes as an integer or a size like \"4G\"")
    }

    private func pollSeconds() throws -> Double {
        switch value {
        case .integer(let n) where n > 0: return Double(n)
        case .float(let d) where d > 0: return d
        case .string(let text): if let n = ResourceSyntax.seconds(text) { return Double(n) }
        default: break
        }
        throw fail("seconds (as in poll 10)")
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
