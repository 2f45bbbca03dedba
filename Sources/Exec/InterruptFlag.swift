#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Counts SIGINT/SIGTERM deliveries. The handler only bumps an atomic counter; the controller
/// loop polls it, stops handing out work, and forwards the signal to running tasks.
public enum InterruptFlag {
    nonisolated(unsafe) static var installed = false
    static let count = Atomic<Int>(0)

    public static func install() {
        guard !installed else { return }
        installed = true
        signal(SIGINT) { _ in InterruptFlag.count.add(1, ordering: .relaxed) }
        signal(SIGTERM) { _ in InterruptFlag.count.add(1, ordering: .relaxed) }
    }

    public static var interrupts: Int { count.load(ordering: .relaxed) }
}
