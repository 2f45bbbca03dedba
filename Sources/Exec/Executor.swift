import Graph

/// Runs the out-of-date products a `BuildEngine` hands out, somewhere (ninja's
/// CommandRunner: one interface, several runners). Every executor records results through a
/// `ResultRecorder`, so a product succeeds, retries or fails the same way wherever it ran,
/// and each returns the same `BuildReport`.
public protocol Executor: AnyObject {
    /// `local`, `slurm`...: what run history and messages call it.
    var name: String { get }
    /// Starts the engine, runs what it hands out until nothing is left (or the build is
    /// stopped), and reports. Throws only for errors of arrakis itself (a store that cannot
    /// be written, a cluster that does not answer); failed products are in the report.
    func run(_ engine: BuildEngine) throws -> BuildReport
    /// Stops a run as Ctrl-C does: no new tasks, running ones stopped, `run` returns with
    /// `interrupted` set. Callable from any thread, before or during `run`.
    func cancel()
}
