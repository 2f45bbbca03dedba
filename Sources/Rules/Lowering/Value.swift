/// A value computed from an Arrakisfile expression.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case list([Value])

    /// Text used in paths, keys, commands and parameters.
    public var description: String {
        switch self {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .float(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .bool(let b): return b ? "true" : "false"
        case .list(let items): return items.map(\.description).joined(separator: " ")
        }
    }

    /// Canonical text for fingerprints: unambiguous for lists and types.
    public var canonical: String {
        switch self {
        case .string(let s): return "s:" + s
        case .integer(let i): return "i:" + String(i)
        case .float(let d): return "f:" + String(d)
        case .bool(let b): return b ? "b:1" : "b:0"
        case .list(let items): return "[" + items.map(\.canonical).joined(separator: "\u{1F}") + "]"
        }
    }

    /// A list's elements, or the value itself as a one-element list.
    public var elements: [Value] {
        if case .list(let items) = self { return items }
        return [self]
    }
}
