import ArgumentParser
import Exec
import Foundation
import Rules

/// What a SLURM array element runs: the tasks the controller wrote for it.
struct RunTaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-task",
        abstract: "Run one array element's tasks of a SLURM submission (started by the job script, not by hand).")

    @Argument(help: "The submission's directory (.arrakis/slurm/ID).")
    var submission: String

    @Argument(help: "The array element (default: $SLURM_ARRAY_TASK_ID).")
    var element: Int?

    func run() throws {
        guard let element = element ?? ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"].flatMap({ Int($0) }) else {
            throw CLIError("run-task needs an element (or SLURM_ARRAY_TASK_ID)")
        }
        do {
            let status = try SlurmWorker.run(submission: submission, element: element, builtins: PipelineRules.registry())
            if status != 0 { throw ExitCode(status) }
        } catch let e as ExitCode {
            throw e
        } catch {
            fail(error)
        }
    }
}
