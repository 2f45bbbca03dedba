/// A value in a pipeline-database document: the JSON/BSON types the original's MongoDB
/// documents use.
public enum DocValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([DocValue])
    case document(Document)

    public var description: String { JSONText.encode(self) }

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var int: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9e18: return Int64(d)
        default: return nil
        }
    }
    public var double: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var array: [DocValue]? { if case .array(let a) = self { return a }; return nil }
    public var document: Document? { if case .document(let d) = self { return d }; return nil }
}

/// An ordered document (field order is kept, as BSON keeps it).
public struct Document: Sendable, Equatable, CustomStringConvertible {
    public var fields: [(key: String, value: DocValue)]

    public init(_ fields: [(key: String, value: DocValue)] = []) {
        self.fields = fields
    }

    public subscript(key: String) -> DocValue? {
        get { fields.first { $0.key == key }?.value }
        set {
            if let i = fields.firstIndex(where: { $0.key == key }) {
                if let newValue { fields[i].value = newValue } else { fields.remove(at: i) }
            } else if let newValue {
                fields.append((key, newValue))
            }
        }
    }

    /// The value at a dotted path (`beams.RACS_1237+12A.beam_list`).
    public func value(at path: String) -> DocValue? {
        if !path.utf8.contains(0x2E) { return self[path] }
        var current: DocValue = .document(self)
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .document(let d) = current, let next = d[String(part)] else { return nil }
            current = next
        }
        return current
    }

    /// Sets the value at a dotted path, creating intermediate documents.
    public mutating func set(_ path: String, _ value: DocValue) {
        if !path.utf8.contains(0x2E) {
            self[path] = value
            return
        }
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        set(parts[...], value)
    }

    private mutating func set(_ parts: ArraySlice<String>, _ value: DocValue) {
        guard let head = parts.first else { return }
        if parts.count == 1 {
            self[head] = value
            return
        }
        if let i = fields.firstIndex(where: { $0.key == head }), case .document(var child) = fields[i].value {
            // Taken out first, so that the child is changed in place rather than copied.
            fields[i].value = .null
            child.set(parts.dropFirst(), value)
            fields[i].value = .document(child)
        } else {
            var child = Document()
            child.set(parts.dropFirst(), value)
            self[head] = .document(child)
        }
    }

    public var keys: [String] { fields.map(\.key) }

    public static func == (a: Document, b: Document) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public var description: String { JSONText.encode(.document(self)) }
}

extension Document: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, DocValue)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }
}

extension DocValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: DocValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}
