/// The batch script of one job array: `#SBATCH` lines from the settings and the tasks'
/// resources, the prologue, then `arrakis run-task` for the element. It holds no secrets:
/// jobs inherit the submitting environment (sbatch's default `--export=ALL`), so a
/// password given as `ARRAKIS_DB_PASSWORD` reaches the workers without being written down.
struct JobScript {
    var settings: SlurmSettings
    var name: String
    var elements: Int
    /// The submission's directory (absolute).
    var directory: String
    var projectDirectory: String
    var resources: BatchPlanner.ResourceClass
    var tasksPerElement: Int
    var arrakis: String

    var text: String {
        var lines = ["#!/bin/bash"]
        func sbatch(_ option: String) { lines.append("#SBATCH " + option) }
        sbatch("--job-name=\(name)")
        sbatch("--array=0-\(elements - 1)")
        sbatch("--output=" + Self.sbatchValue("\(directory)/out/%a.out"))
        sbatch("--chdir=" + Self.sbatchValue(projectDirectory))
        sbatch("--ntasks=1")
        sbatch("--cpus-per-task=\(resources.cpus)")
        if resources.memoryMB > 0 { sbatch("--mem=\(resources.memoryMB)M") }
        if resources.timeSeconds > 0 {
            // Each task gets its own time; a minute more for starting arrakis and the prologue.
            sbatch("--time=\(SlurmDuration.text(resources.timeSeconds * tasksPerElement + 60))")
        }
        if let a = resources.account { sbatch("--account=\(a)") }
        if let p = resources.partition { sbatch("--partition=\(p)") }
        if let q = resources.qos { sbatch("--qos=\(q)") }
        for extra in settings.sbatchLines { sbatch(extra) }
        lines.append("")
        lines.append(contentsOf: settings.prologue)
        lines.append("exec \(Self.quote(arrakis)) run-task \(Self.quote(directory)) \"$SLURM_ARRAY_TASK_ID\"")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A value for an `#SBATCH` line: sbatch splits them at spaces unless double-quoted.
    static func sbatchValue(_ s: String) -> String {
        s.contains(where: { $0 == " " || $0 == "\t" }) ? "\"" + s + "\"" : s
    }

    /// Single-quoted for the shell.
    static func quote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
