/// The reserved words of the Arrakisfile language, in the order error messages list them.
package enum Keywords {
    /// Kinds of settings blocks: `executor slurm { ... }`.
    static let blockKinds = ["executor", "database", "history", "settings"]
    /// The settings of `executor slurm { ... }` (docs/arrakisfile.md, "Settings blocks").
    static let slurmSettings = ["account", "partition", "qos", "time", "mem", "cpus", "sbatch", "prologue",
                                "max_jobs", "min_jobs", "poll", "tasks_per_job", "job_time", "arrakis"]
    /// Words that start a top-level statement.
    package static let topLevel = ["let", "include", "product", "default"] + blockKinds
    /// Single-valued product settings, stored in `ProductDecl.settings`.
    static let productSettings = ["cpus", "mem", "time", "retries", "version", "shell", "rule", "description",
                                  "account", "partition", "qos"]
    /// Words that start a statement inside `product NAME { ... }`.
    package static let product = ["for", "input", "output", "manifest", "param", "after"] + productSettings
    /// The built-in functions.
    package static let functions = ["env", "glob", "range", "manifest", "int", "float", "str"]
    /// Attributes any path-valued template field or name may take: `{file.stem}`.
    package static let pathAttributes = ["stem", "name", "dir", "ext"]
    /// Names a `shell` (or `description`) template may use besides lets, loop variables and
    /// params.
    package static let shellFields = ["input", "inputs", "output", "outputs", "manifest"]
}

extension Keywords {
    /// Words that are values, not names.
    static let reservedValues = ["true", "false"]
}
