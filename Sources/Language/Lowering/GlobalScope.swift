#if canImport(Glibc)
import Glibc
#endif

/// The top-level `let` values of a project, evaluated once (with `env(...)` read at load).
public struct GlobalScope: Sendable {
    public let values: [String: Value]
    public let products: Set<String>
    /// Lets defined as `glob(...)`: a `for` over one binds the pattern's {wildcards}.
    package let globs: [String: Expr]

    package init(variables: [VariableDecl], products: Set<String>, environment: [String: String]) throws {
        self.products = products
        var globs: [String: Expr] = [:]
        for v in variables {
            if case .call(let fn, _, _) = v.value, fn.name == "glob" { globs[v.name.name] = v.value }
        }
        self.globs = globs
        var decls: [String: VariableDecl] = [:]
        for v in variables { decls[v.name.name] = v }
        var done: [String: Value] = [:]
        var visiting: Set<String> = []
        func value(_ name: String, _ at: SourceLocation) throws -> Value {
            if let v = done[name] { return v }
            guard let decl = decls[name] else { throw Diagnostic.at(at, "unknown name '\(name)'") }
            guard visiting.insert(name).inserted else { throw Diagnostic.at(at, "variable '\(name)' refers to itself") }
            let ev = ExpressionEvaluator(lookup: { n, loc in try value(n, loc) }, environment: environment)
            let v = try ev.value(decl.value)
            visiting.remove(name)
            done[name] = v
            return v
        }
        for v in variables { _ = try value(v.name.name, v.name.location) }
        values = done
    }
}

/// Evaluates value expressions (not product references) given a name lookup.
package struct ExpressionEvaluator {
    var lookup: (String, SourceLocation) throws -> Value
    var environment: [String: String]
    /// Renders `{field}`s of strings; default: look names up as values.
    package var renderField: ((TemplateField) throws -> String)? = nil

    package init(lookup: @escaping (String, SourceLocation) throws -> Value, environment: [String: String],
                 renderField: ((TemplateField) throws -> String)? = nil) {
        self.lookup = lookup
        self.environment = environment
        self.renderField = renderField
    }

    package func value(_ expr: Expr) throws -> Value {
        switch expr {
        case .string(let t, _):
            if let lit = t.literal { return .string(lit) }
            return .string(try render(t))
        case .integer(let i, _): return .integer(i)
        case .float(let d, _): return .float(d)
        case .bool(let b, _): return .bool(b)
        case .list(let items, _): return .list(try items.map(value))
        case .name(let id, let attr):
            let v = try lookup(id.name, id.location)
            guard let attr else { return v }
            guard let s = PathAttributes.apply(attr.name, to: v.description) else {
                throw Diagnostic.at(attr.location, "unknown attribute '.\(attr.name)' (expected one of: \(PathAttributes.names.joined(separator: ", ")))")
            }
            return .string(s)
        case .call(let fn, let args, let loc):
            switch fn.name {
            case "env":
                guard let first = args.first, case .string(let name) = try value(first) else {
                    throw Diagnostic.at(loc, "env() expects a variable name as a string")
                }
                let fallback = args.count > 1 ? try value(args[1]) : nil
                guard let text = environment[name] else {
                    if let fallback { return fallback }
                    throw Diagnostic.at(loc, "environment variable \(name) is not set and env() has no default")
                }
                // The value has the default's type: env("N", 3) is a number whatever N holds.
                guard let fallback else { return .string(text) }
                return try TypedText.value(text, like: fallback, what: "environment variable \(name)", at: loc)
            case "int", "float", "str":
                guard args.count == 1 else { throw Diagnostic.at(loc, "\(fn.name)() takes one value") }
                return try TypedText.convert(try value(args[0]), to: fn.name, at: loc)
            case "range":
                guard args.count == 2 else { throw Diagnostic.at(loc, "range(a, b) expects two integers") }
                let bounds = try args.map { try value($0) }
                guard case .integer(let a) = bounds[0], case .integer(let b) = bounds[1] else {
                    let bad = bounds.first { if case .integer = $0 { return false } else { return true } }!
                    throw Diagnostic.at(loc, "range(a, b) expects two integers, found \(ParamType.describe(bad)) (write int(...), or give env() a number default as in env(\"N\", 36))")
                }
                return .list(a < b ? (a..<b).map { .integer($0) } : [])
            case "glob":
                // Fields that name no variable are wildcards: `glob("in/{name}.txt")`.
                var patternEvaluator = self
                patternEvaluator.renderField = { field in
                    guard let v = try? lookup(field.name, field.location) else { return "{\(field.name)}" }
                    return try ExpressionEvaluator.format(field, v)
                }
                guard args.count == 1, case .string(let pattern) = try patternEvaluator.value(args[0]) else {
                    throw Diagnostic.at(loc, "glob() expects one pattern string")
                }
                return .list(Glob(pattern).matches().map { .string($0.path) })
            default:
                throw Diagnostic.at(loc, "\(fn.name)() cannot be used as a value here")
            }
        case .select(let id, _, _, _):
            throw Diagnostic.at(id.location, "product '\(id.name)' cannot be used as a value here")
        }
    }

    func render(_ t: Template) throws -> String {
        var out = ""
        for part in t.parts {
            switch part {
            case .text(let s): out += s
            case .field(let f):
                if let renderField { out += try renderField(f); continue }
                out += try Self.format(f, try lookup(f.name, f.location))
            }
        }
        return out
    }

    package static func format(_ f: TemplateField, _ v: Value) throws -> String {
        var v = v
        if let attr = f.attribute {
            guard let s = PathAttributes.apply(attr, to: v.description) else {
                throw Diagnostic.at(f.location, "unknown attribute '.\(attr)' in template field (expected one of: \(PathAttributes.names.joined(separator: ", ")))")
            }
            v = .string(s)
        }
        guard let spec = f.format else { return v.description }
        guard let s = FormatSpec(spec)?.apply(to: v) else {
            throw Diagnostic.at(f.location, "format ':\(spec)' does not apply to value '\(v)'")
        }
        return s
    }
}

/// The process environment as a dictionary.
package func currentEnvironment() -> [String: String] {
    var env: [String: String] = [:]
    var p = environ
    while let entry = p.pointee {
        let s = String(cString: entry)
        if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
        p += 1
    }
    return env
}
