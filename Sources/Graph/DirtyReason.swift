/// Why a product must be (re)built. Every planned product carries exactly one.
public enum DirtyReason: Sendable, Equatable, CustomStringConvertible {
    /// Nothing of this family was ever built here.
    case noTrace
    /// The family was built before, but this instance is new (a new file, field, epoch...).
    case newKey
    case ruleChanged(String)
    case commandChanged
    /// A param changed: its name and, where known, its old and new values as people read
    /// them (`(none)` when it was added or removed). Boxed (`indirect`): its three strings
    /// would otherwise set the size of every instance's state, a million times over.
    indirect case parameterChanged(String, from: String? = nil, to: String? = nil)
    case inputChanged(String)
    case inputAdded(String)
    case inputRemoved(String)
    /// A file the last run said it read (its depfile) changed or is gone.
    case discoveredInputChanged(String)
    case discoveredInputMissing(String)
    case outputsChanged
    case outputMissing(String)
    case outputModified(String)
    /// Dry run only: an upstream product will be rebuilt first (its outputs may change).
    case upstreamWillRebuild(String)

    public var description: String {
        switch self {
        case .noTrace: return "never built"
        case .newKey: return "new key"
        case .ruleChanged(let s): return "rule version changed (\(s))"
        case .commandChanged: return "command changed"
        case .parameterChanged(let p, let from?, let to?): return "parameter \(p) changed (\(from) -> \(to))"
        case .parameterChanged(let p, _, _): return "parameter \(p) changed"
        case .inputChanged(let i): return "input \(i) changed"
        case .inputAdded(let i): return "input \(i) added"
        case .inputRemoved(let i): return "input \(i) removed"
        case .discoveredInputChanged(let i): return "input \(i) changed (read by the last run)"
        case .discoveredInputMissing(let i): return "input \(i) is gone (read by the last run)"
        case .outputsChanged: return "declared outputs changed"
        case .outputMissing(let o): return "output \(o) missing"
        case .outputModified(let o): return "output \(o) modified"
        case .upstreamWillRebuild(let k): return "upstream \(k) will be rebuilt"
        }
    }
}

/// New products sharing the same loop-variable values (see `BuildEngine.newWorkGroups`).
public struct NewWorkGroup: Sendable, Equatable {
    public struct Binding: Sendable, Hashable {
        public var variable: String
        public var value: String
    }
    /// (variable, value) pairs in the family's order; empty for single-instance products.
    public var bindings: [Binding]
    public var count: Int
    /// The families of the new products, in plan order.
    public var families: [String]

    /// `epoch 1, field RACS_1237+12A: 5 products (cutouts, mosaics, ...)`.
    public var description: String {
        let what = bindings.isEmpty ? "new" : bindings.map { "\($0.variable) \($0.value)" }.joined(separator: ", ")
        return "\(what): \(count) product\(count == 1 ? "" : "s") (\(families.joined(separator: ", ")))"
    }
}
