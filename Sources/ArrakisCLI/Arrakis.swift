import ArgumentParser

public struct Arrakis: ParsableCommand {
    public init() {}
    public static let configuration = CommandConfiguration(
        commandName: "arrakis",
        abstract: "Build the SPICE-RACS polarisation pipeline incrementally, locally or on SLURM.",
        version: Arrakis.version,
        subcommands: [BuildCommand.self, GraphCommand.self, CleanCommand.self, SimulateCommand.self, FitsCommand.self, InitCommand.self, StatusCommand.self, RMSynthCommand.self, RMSynth3DCommand.self, RMClean3DCommand.self,
                      RunsCommand.self, WhyCommand.self, RulesCommand.self, FrionCommand.self, BenchHistoryCommand.self, RunTaskCommand.self],
        defaultSubcommand: nil)

    /// This release, and the commit it was built from (`BuildCommitPlugin`).
    public static let version = "arrakis \(release) (commit \(buildCommit))"
    public static let release = "0.9.0"
}
