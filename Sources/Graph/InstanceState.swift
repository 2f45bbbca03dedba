/// Where one instance stands during a build or a dry run.
public enum InstanceState: Sendable, Equatable {
    /// Not needed by the targets.
    case unneeded
    /// Needed; some upstream product is not resolved yet.
    case waiting
    /// Out of date: queued to run.
    case ready(DirtyReason)
    case running(DirtyReason)
    case upToDate
    /// Rebuilt in this build; `changed` is false when its outputs came out identical (early cutoff).
    case built(changed: Bool)
    /// Dry run: would be rebuilt.
    case wouldRun(DirtyReason)
    case failed(String)
    /// Not attempted: an upstream product failed (or the build stopped).
    case skipped(String)

    /// Resolved states let dependents be evaluated.
    var isResolved: Bool {
        switch self {
        case .upToDate, .built, .wouldRun: return true
        default: return false
        }
    }

    var isTerminal: Bool {
        switch self {
        case .upToDate, .built, .wouldRun, .failed, .skipped: return true
        default: return false
        }
    }
}
