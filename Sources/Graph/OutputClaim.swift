/// Something a product instance writes besides its declared outputs, named so that the
/// engine can refuse two instances that would write the same thing (see `OutputOwners`).
/// Declared outputs are claimed as files without being listed here.
public enum OutputClaim: Hashable, Sendable, CustomStringConvertible {
    /// Everything under a directory: the instance keeps the directory in step with its
    /// results (and may remove what it did not write). No other instance may write in it.
    case directory(String)
    /// Files or database entries named by a description the rule layer makes unique, e.g.
    /// `spectra of field X under work/cutouts`. Only an identical description conflicts.
    case resource(String)

    public var description: String {
        switch self {
        case .directory(let d): return "the directory \(d)"
        case .resource(let r): return r
        }
    }
}

/// Two instances that would write the same file, directory or resource: the build stops
/// before either runs.
public struct OutputConflict: Error, CustomStringConvertible, Sendable {
    /// What both write, as people read it: `the file x.txt`, `the directory d`, or a
    /// resource's description.
    public var what: String
    public var first: String
    public var firstFamily: String
    public var second: String
    public var secondFamily: String

    public var description: String {
        if firstFamily == secondFamily {
            return "two instances of product '\(firstFamily)' write \(what): \(first) and \(second) (expected each output to have one owner; make the path depend on every loop variable)"
        }
        return "products '\(firstFamily)' and '\(secondFamily)' both write \(what) (\(first) and \(second); expected each output to have one owner)"
    }
}
