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

extension Value {
    /// A value's `canonical` text as people read it: `"5"` for a string, `5` for an integer,
    /// `5.0` for a number, `true`, `[1, "a"]` for a list. Best effort for cut or odd text.
    public static func displayText(canonical text: String) -> String {
        var i = text.startIndex
        return display(text, &i)
    }

    private static func display(_ s: String, _ i: inout String.Index) -> String {
        guard i < s.endIndex else { return "" }
        if s[i] == "[" {
            i = s.index(after: i)
            var items: [String] = []
            while i < s.endIndex, s[i] != "]" {
                items.append(display(s, &i))
                if i < s.endIndex, s[i] == "\u{1F}" { i = s.index(after: i) }
            }
            if i < s.endIndex { i = s.index(after: i) }
            return "[" + items.joined(separator: ", ") + "]"
        }
        // One scalar: "t:" then text up to a list separator or the end of a list.
        let start = i
        while i < s.endIndex, s[i] != "\u{1F}", s[i] != "]" { i = s.index(after: i) }
        let item = s[start..<i]
        guard item.count >= 2, item[item.index(after: item.startIndex)] == ":" else { return String(item) }
        let body = String(item.dropFirst(2))
        switch item.first {
        case "s": return "\"" + body + "\""
        case "b": return body == "1" ? "true" : "false"
        default: return body
        }
    }
}
