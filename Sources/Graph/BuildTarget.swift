/// What the user asked to build.
public enum BuildTarget: Sendable, Hashable, CustomStringConvertible {
    /// Every instance of a family: `wc`, `cutouts`.
    case family(String)
    /// One instance: `wc[alpha]`.
    case instance(ProductKey)
    /// Whatever product writes this path.
    case output(String)
    /// Every instance of a family with `value` among its key values:
    /// `cutouts:RACS_1237+12A` is every epoch's cutouts of that field.
    case matching(family: String, value: String)

    public var description: String {
        switch self {
        case .family(let f): return f
        case .instance(let k): return k.description
        case .output(let p): return p
        case .matching(let f, let v): return f + ":" + v
        }
    }
}

/// A target that names nothing in the graph.
public struct UnknownTarget: Error, CustomStringConvertible, Sendable {
    public var target: String
    public var hint: String
    public init(target: String, hint: String) {
        self.target = target
        self.hint = hint
    }
    public var description: String { "no product matches target '\(target)'\(hint.isEmpty ? "" : " (\(hint))")" }
}
