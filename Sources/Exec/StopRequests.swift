import Synchronization

/// Requests to stop a run: SIGINT/SIGTERM delivered since it began (`InterruptFlag`) and
/// `Executor.cancel()` calls. The first asks running tasks to stop; a second insists.
final class StopRequests: Sendable {
    private let signalsAtStart = Atomic<Int>(0)
    private let cancels = Atomic<Int>(0)

    /// Counts signals from now on (installs the handler).
    func begin() {
        InterruptFlag.install()
        signalsAtStart.store(InterruptFlag.interrupts, ordering: .relaxed)
    }

    func cancel() { cancels.add(1, ordering: .relaxed) }

    /// Requests so far.
    var count: Int {
        InterruptFlag.interrupts - signalsAtStart.load(ordering: .relaxed) + cancels.load(ordering: .relaxed)
    }
}
