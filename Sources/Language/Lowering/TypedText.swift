/// Text read as a typed value: an environment variable's value has the type of `env()`'s
/// default, and `int()`, `float()` and `str()` convert explicitly. A value that does not
/// read as the type is an error that names it.
enum TypedText {
    /// `text` as a value of `like`'s type (`"3"` is 3 when the default is 3).
    static func value(_ text: String, like fallback: Value, what: String, at location: SourceLocation) throws -> Value {
        let trimmed = String(text.trimmingSpaces())
        switch fallback {
        case .string, .list:
            return .string(text)
        case .integer:
            guard let n = Int(trimmed) else {
                throw Diagnostic.at(location, "\(what) is '\(text)', expected an integer (the default \(fallback) is one)")
            }
            return .integer(n)
        case .float:
            guard let d = Double(trimmed), d.isFinite else {
                throw Diagnostic.at(location, "\(what) is '\(text)', expected a number (the default \(fallback) is one)")
            }
            return .float(d)
        case .bool:
            switch trimmed.lowercased() {
            case "true", "1", "yes": return .bool(true)
            case "false", "0", "no": return .bool(false)
            default: throw Diagnostic.at(location, "\(what) is '\(text)', expected true or false (the default is \(fallback))")
            }
        }
    }

    /// `int(x)`, `float(x)`, `str(x)`.
    static func convert(_ v: Value, to function: String, at location: SourceLocation) throws -> Value {
        switch (function, v) {
        case ("str", .list):
            throw Diagnostic.at(location, "str() takes one value, not a list")
        case ("str", _):
            return .string(v.description)
        case ("int", .integer):
            return v
        case ("int", .float(let d)):
            guard d.isFinite, d == d.rounded(), abs(d) < 9e18 else {
                throw Diagnostic.at(location, "int() of \(v) (expected a whole number)")
            }
            return .integer(Int(d))
        case ("int", .string(let s)):
            guard let n = Int(String(s.trimmingSpaces())) else { throw Diagnostic.at(location, "int() of '\(s)' (expected an integer)") }
            return .integer(n)
        case ("float", .integer(let n)):
            return .float(Double(n))
        case ("float", .float):
            return v
        case ("float", .string(let s)):
            guard let d = Double(String(s.trimmingSpaces())), d.isFinite else {
                throw Diagnostic.at(location, "float() of '\(s)' (expected a number)")
            }
            return .float(d)
        default:
            throw Diagnostic.at(location, "\(function)() of \(v.description.isEmpty ? "an empty value" : "'\(v)'") (expected a number or text)")
        }
    }
}
