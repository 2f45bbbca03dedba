/// A SLURM job's state as `squeue %T`, `sacct State` and `scontrol JobState` write it,
/// parsed here and nowhere else. States this code does not act on are kept by name.
public enum SlurmJobState: Equatable, Sendable, CustomStringConvertible {
    case pending
    case running
    case completing
    case completed
    case failed
    case cancelled
    case timeout
    case deadline
    case outOfMemory
    case nodeFail
    case bootFail
    case preempted
    case requeued
    case revoked
    case other(String)

    private static let names: [(SlurmJobState, String)] = [
        (.pending, "PENDING"), (.running, "RUNNING"), (.completing, "COMPLETING"), (.completed, "COMPLETED"),
        (.failed, "FAILED"), (.cancelled, "CANCELLED"), (.timeout, "TIMEOUT"), (.deadline, "DEADLINE"),
        (.outOfMemory, "OUT_OF_MEMORY"), (.nodeFail, "NODE_FAIL"), (.bootFail, "BOOT_FAIL"),
        (.preempted, "PREEMPTED"), (.requeued, "REQUEUED"), (.revoked, "REVOKED"),
    ]

    /// From SLURM's text: the first word (`CANCELLED by 1000` is `.cancelled`), any case.
    public init(parsing text: String) {
        let word = String(text.split(separator: " ").first ?? "").uppercased()
        self = Self.names.first { $0.1 == word }?.0 ?? .other(word)
    }

    /// SLURM's name for it (`OUT_OF_MEMORY`).
    public var description: String {
        if case .other(let name) = self { return name }
        return Self.names.first { $0.0 == self }!.1
    }

    /// The scheduler lost the job (not the task's fault): run it again without charging
    /// the product's `retries`.
    var isLost: Bool {
        switch self {
        case .cancelled, .nodeFail, .bootFail, .preempted, .requeued, .revoked: return true
        default: return false
        }
    }
}
