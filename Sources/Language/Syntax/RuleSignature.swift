/// What a built-in rule kind accepts, declared once per kind: its loop variables, params
/// (with types, defaults and meanings), named inputs and outputs, and whether it writes a
/// manifest. The checker enforces it when an Arrakisfile loads (an unknown or wrongly typed
/// param, an unknown input, a missing required one are errors at file:line:col), lowering
/// checks the values only known then (`env(...)`, loop variables), and the rule tables of
/// docs/pipeline.md are made from it (`RuleReference`).
public struct RuleSignature: Sendable {
    public var kind: String
    /// One line for people: what one instance does.
    public var summary: String
    /// Loop variables every product using the rule must bind (`for (epoch, field) in ...`).
    public var loopVariables: [LoopVariableSpec]
    public var params: [ParamSpec]
    public var inputs: [InputSpec]
    /// Named outputs (`output NAME = ...`); nothing else may be declared.
    public var outputs: [OutputSpec]
    /// Whether the product must declare a `manifest` (true) or may not (false).
    public var manifest: Bool
    /// What the rule writes besides its declared outputs (files, directories, database
    /// fields), for people; `OutputClaim`s say it for the engine.
    public var writes: [String]
    /// Params the rule no longer takes, with what to do instead.
    public var retiredParams: [String: String]
    /// The implementation's version: raised when what the rule writes changes form, so that
    /// products built by the earlier one are rebuilt (`rmsynth v1 (built-in 2)`).
    public var version: Int
    /// The rule reads files it finds only when it runs (named by the database, say) and
    /// lists them in `<manifest>.inputs` (the `depfile` argument): the engine checks them on
    /// later builds (`TaskSpec.depfile`). Requires a manifest.
    public var discoversInputs: Bool

    public init(kind: String, version: Int = 1, summary: String, loopVariables: [LoopVariableSpec] = [],
                params: [ParamSpec] = [], inputs: [InputSpec] = [], outputs: [OutputSpec] = [], manifest: Bool,
                writes: [String] = [], retiredParams: [String: String] = [:], discoversInputs: Bool = false) {
        self.discoversInputs = discoversInputs
        self.kind = kind
        self.version = version
        self.summary = summary
        self.loopVariables = loopVariables
        self.params = params
        self.inputs = inputs
        self.outputs = outputs
        self.manifest = manifest
        self.writes = writes
        self.retiredParams = retiredParams
    }

    public func param(_ name: String) -> ParamSpec? { params.first { $0.name == name } }
    public func input(_ name: String) -> InputSpec? { inputs.first { $0.name == name } }
    public func output(_ name: String) -> OutputSpec? { outputs.first { $0.name == name } }
}

public struct LoopVariableSpec: Sendable {
    public var name: String
    /// Whether its values must be integers (`epoch`).
    public var integer: Bool
    public var meaning: String
    public init(_ name: String, integer: Bool = false, _ meaning: String) {
        self.name = name
        self.integer = integer
        self.meaning = meaning
    }
}

public struct ParamSpec: Sendable {
    public var name: String
    public var type: ParamType
    /// The value used when the product does not set it, as people read it; nil when the
    /// param is required or has no single default (`defaultNote` says what happens).
    public var defaultValue: String?
    public var required: Bool
    public var meaning: String
    /// What an unset optional param without a default means ("automatic", "off", ...).
    public var defaultNote: String?
    /// Whether the param names where the rule writes (a directory it owns, a database
    /// field): such params are what a second product of the same rule changes to write
    /// beside the first.
    public var outputLocation: Bool
    /// Whether the param names a directory the rule owns whole (no other product may write
    /// in it, and a file input inside it depends on the product).
    public var ownsDirectory: Bool

    public init(_ name: String, _ type: ParamType, default defaultValue: String? = nil, required: Bool = false,
                unset defaultNote: String? = nil, outputLocation: Bool = false, ownsDirectory: Bool = false,
                _ meaning: String) {
        self.ownsDirectory = ownsDirectory
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.required = required
        self.meaning = meaning
        self.defaultNote = defaultNote
        self.outputLocation = outputLocation
    }

    /// "3", "automatic", "required", for tables and messages.
    public var defaultText: String {
        if required { return "required" }
        return defaultValue ?? defaultNote ?? "none"
    }
}

/// The type of a built-in rule's param, checked against the value an Arrakisfile gives.
public enum ParamType: Sendable, Equatable {
    case integer(min: Int?, max: Int?)
    case number(NumberBounds)
    case boolean
    /// One of a few words.
    case choice([String])
    /// A file or directory path (relative to the directory arrakis runs in).
    case path
    /// A pipeline database: `sqlite:PATH` or `mongodb://[user@]host[:port]`.
    case database
    /// A RACS database: a directory of CSV files or `postgresql://[user@]host/db`.
    case racsDatabase
    /// A database field name: letters, digits and `_`, not starting with a digit.
    case fieldName
    /// Any non-empty text (a URL template, a file-name prefix).
    case text
    /// Which Stokes parameters a product handles: the letters I, Q and U (all three), and
    /// V when asked, each once, in any order or case (`"IQU"`, `"IQUV"`).
    case stokes

    public static let number = ParamType.number(NumberBounds())

    /// How messages and tables name the type: "an integer from -5 to 5", "a number > 0".
    public var description: String {
        switch self {
        case .integer(let lo, let hi):
            switch (lo, hi) {
            case let (lo?, hi?): return "an integer from \(lo) to \(hi)"
            case let (lo?, nil): return "an integer >= \(lo)"
            case let (nil, hi?): return "an integer <= \(hi)"
            case (nil, nil): return "an integer"
            }
        case .number(let b): return "a number" + b.description
        case .boolean: return "true or false"
        case .choice(let words): return "one of " + words.map { "\"\($0)\"" }.joined(separator: ", ")
        case .path: return "a path"
        case .database: return "a database URL (\"sqlite:PATH\" or \"mongodb://[user@]host[:port]\")"
        case .racsDatabase: return "a RACS database (a directory or \"postgresql://[user@]host/db\")"
        case .fieldName: return "a database field name (letters, digits and _)"
        case .text: return "a string"
        case .stokes: return "Stokes parameters (\"IQU\" or \"IQUV\")"
        }
    }

    /// Nil when `value` has this type, else why not ("found ...").
    public func mismatch(_ value: Value) -> String? {
        switch (self, value) {
        case (.integer(let lo, let hi), .integer(let n)):
            if let lo, n < lo { return "found \(n)" }
            if let hi, n > hi { return "found \(n)" }
            return nil
        case (.number(let b), .integer(let n)):
            return b.contains(Double(n)) ? nil : "found \(n)"
        case (.number(let b), .float(let d)):
            return b.contains(d) ? nil : "found \(Value.float(d).description)"
        case (.boolean, .bool):
            return nil
        case (.choice(let words), .string(let s)):
            return words.contains(s) ? nil : "found \"\(s)\""
        case (.path, .string(let s)):
            return s.isEmpty ? "found an empty string" : nil
        case (.database, .string(let s)):
            if s.hasPrefix("sqlite:"), s.count > "sqlite:".count { return nil }
            if s.hasPrefix("mongodb://") || s.hasPrefix("mongodb+srv://") { return nil }
            return "found \"\(s)\""
        case (.racsDatabase, .string(let s)):
            return s.isEmpty ? "found an empty string" : nil
        case (.text, .string(let s)):
            return s.isEmpty ? "found an empty string" : nil
        case (.stokes, .string(let s)):
            return Self.stokesMismatch(s)
        case (.fieldName, .string(let s)):
            let ok = s.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
                && s.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            return ok ? nil : "found \"\(s)\""
        default:
            return "found " + Self.describe(value)
        }
    }

    /// The value of a loop variable or an environment variable (always text) read as this
    /// type: `"5"` is 5 for a number. Nil when it does not parse.
    public func parse(_ text: String) -> Value? {
        switch self {
        case .integer: return Int(text).map(Value.integer)
        case .number: return Int(text).map(Value.integer) ?? Double(text).map(Value.float)
        case .boolean: return text == "true" ? .bool(true) : text == "false" ? .bool(false) : nil
        default: return .string(text)
        }
    }

    /// The Stokes parameters `text` names, lower case in the order i, q, u, v; nil when it
    /// is not I, Q and U with or without V (`stokesMismatch` says why).
    public static func stokesParameters(_ text: String) -> [String]? {
        stokesMismatch(text) == nil ? ["i", "q", "u", "v"].filter { text.lowercased().contains($0) } : nil
    }

    /// Why `text` is not a `stokes` value, or nil when it is.
    static func stokesMismatch(_ text: String) -> String? {
        var seen: [Character] = []
        for c in text.uppercased() {
            guard "IQUV".contains(c) else {
                return "found \"\(text)\": '\(c)' is not a Stokes parameter the pipeline handles (I, Q, U, V)"
            }
            if seen.contains(c) { return "found \"\(text)\": \(c) is named twice" }
            seen.append(c)
        }
        let missing = "IQU".filter { !seen.contains($0) }
        if !missing.isEmpty {
            return "found \"\(text)\": RM synthesis needs I, Q and U (\(missing.map(String.init).joined(separator: ", ")) missing)"
        }
        return nil
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .string(let s): return "the string \"\(s)\""
        case .integer(let n): return "the integer \(n)"
        case .float: return "the number \(value.description)"
        case .bool(let b): return "\(b)"
        case .list: return "a list"
        }
    }
}

/// Bounds of a number param.
public struct NumberBounds: Sendable, Equatable {
    public var above: Double?       // exclusive lower bound
    public var atLeast: Double?     // inclusive lower bound
    public var below: Double?       // exclusive upper bound
    public var atMost: Double?      // inclusive upper bound
    public var nonZero = false

    public init(above: Double? = nil, atLeast: Double? = nil, below: Double? = nil, atMost: Double? = nil,
                nonZero: Bool = false) {
        self.above = above
        self.atLeast = atLeast
        self.below = below
        self.atMost = atMost
        self.nonZero = nonZero
    }

    func contains(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        if let a = above, !(x > a) { return false }
        if let a = atLeast, !(x >= a) { return false }
        if let b = below, !(x < b) { return false }
        if let b = atMost, !(x <= b) { return false }
        return !nonZero || x != 0
    }

    var description: String {
        func n(_ d: Double) -> String { Value.float(d).description }
        var parts: [String] = []
        if let a = above { parts.append("> \(n(a))") }
        if let a = atLeast { parts.append(">= \(n(a))") }
        if let b = below { parts.append("< \(n(b))") }
        if let b = atMost { parts.append("<= \(n(b))") }
        if nonZero { parts.append("not 0") }
        return parts.isEmpty ? "" : " " + parts.joined(separator: " and ")
    }
}

public struct InputSpec: Sendable {
    public enum Count: Sendable { case one, many }
    public var name: String
    public var required: Bool
    public var count: Count
    /// The rule kinds whose products may be given (their manifest is what the rule reads);
    /// empty when the input is files.
    public var producers: [String]
    /// Whether it must be paths (a file the rule reads directly, such as a field's table or
    /// a cube), not a product: a product would give its manifest.
    public var pathsOnly: Bool
    public var meaning: String

    public init(_ name: String, required: Bool = true, count: Count = .one, producers: [String] = [], pathsOnly: Bool = false,
                _ meaning: String) {
        self.name = name
        self.required = required
        self.count = count
        self.producers = producers
        self.pathsOnly = pathsOnly
        self.meaning = meaning
    }
}

public struct OutputSpec: Sendable {
    public var name: String
    public var required: Bool
    public var meaning: String
    public init(_ name: String, required: Bool = true, _ meaning: String) {
        self.name = name
        self.required = required
        self.meaning = meaning
    }
}

/// The rule kinds an Arrakisfile's `rule NAME` may name, with their signatures.
public struct RuleCatalog: Sendable {
    public let signatures: [String: RuleSignature]
    public init(_ signatures: [RuleSignature]) {
        self.signatures = Dictionary(signatures.map { ($0.kind, $0) }, uniquingKeysWith: { a, _ in a })
    }
    public var kinds: [String] { signatures.keys.sorted() }
    public subscript(kind: String) -> RuleSignature? { signatures[kind] }
}
