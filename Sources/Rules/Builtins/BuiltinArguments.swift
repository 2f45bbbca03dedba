import Language
import Graph

/// Typed access to a built-in rule's arguments (see `BuiltinRule`), with errors that name
/// the product's param or input.
public struct BuiltinArguments: Sendable {
    public let values: [String: String]
    /// The rule kind, for messages.
    public let kind: String

    public init(_ values: [String: String], kind: String) {
        self.values = values
        self.kind = kind
    }

    public func string(_ name: String) throws -> String {
        guard let v = values[name] else { throw BuiltinRuleError.missingArgument(kind: kind, name: name) }
        return v
    }

    public func string(_ name: String, default fallback: String) -> String { values[name] ?? fallback }

    public func double(_ name: String, default fallback: Double) throws -> Double {
        guard let text = values[name] else { return fallback }
        guard let v = Double(text), v.isFinite else {
            throw BuiltinRuleError.badArgument(kind: kind, name: name, value: text, expected: "a number")
        }
        return v
    }

    /// A boolean param: `true` or `false`, `fallback` when not given.
    public func bool(_ name: String, default fallback: Bool) throws -> Bool {
        guard let text = values[name] else { return fallback }
        guard text == "true" || text == "false" else {
            throw BuiltinRuleError.badArgument(kind: kind, name: name, value: text, expected: "true or false")
        }
        return text == "true"
    }

    public func int(_ name: String) throws -> Int {
        let text = try string(name)
        guard let v = Int(text) else {
            throw BuiltinRuleError.badArgument(kind: kind, name: name, value: text, expected: "an integer")
        }
        return v
    }

    /// The paths of a named input (`input NAME = ...`), or of every input when `name` is nil.
    public func inputPaths(_ name: String? = nil) throws -> [String] {
        let key = name.map { "input." + $0 } ?? "inputs"
        guard let text = values[key] else {
            if let name { throw BuiltinRuleError.missingArgument(kind: kind, name: "input " + name) }
            return []
        }
        return text.isEmpty ? [] : text.split(separator: "\n").map(String.init)
    }

    /// The single path of a named input.
    public func inputPath(_ name: String) throws -> String {
        let paths = try inputPaths(name)
        guard paths.count == 1 else {
            throw BuiltinRuleError.badArgument(kind: kind, name: "input " + name, value: paths.joined(separator: " "),
                                               expected: "exactly one path")
        }
        return paths[0]
    }

    /// Where to write the manifest now (its temporary name; the executor renames it).
    public func manifestPath() throws -> String {
        guard let final = values["output.manifest"] else {
            throw BuiltinRuleError.missingArgument(kind: kind, name: "manifest")
        }
        return TemporaryOutput.path(for: final)
    }

    /// The manifest's final path: the previous build's manifest, if any, is still there.
    public func manifestFinalPath() throws -> String {
        guard let final = values["output.manifest"] else {
            throw BuiltinRuleError.missingArgument(kind: kind, name: "manifest")
        }
        return final
    }

    /// Where to write a named output now (its temporary name).
    public func outputPath(_ name: String) throws -> String {
        guard let final = values["output." + name] else {
            throw BuiltinRuleError.missingArgument(kind: kind, name: "output " + name)
        }
        return TemporaryOutput.path(for: final)
    }

    /// The value of a loop variable (`for (epoch, field) in ...`).
    public func key(_ variable: String) throws -> String {
        guard let v = values["key." + variable] else {
            throw BuiltinRuleError.missingArgument(kind: kind, name: "loop variable " + variable)
        }
        return v
    }
}

/// Why a built-in rule could not run.
public enum BuiltinRuleError: Error, CustomStringConvertible, Sendable {
    case missingArgument(kind: String, name: String)
    case badArgument(kind: String, name: String, value: String, expected: String)
    case failed(String)

    public var description: String {
        switch self {
        case .missingArgument(let k, let n): return "rule \(k) needs \(n) (declare it in the product)"
        case .badArgument(let k, let n, let v, let e): return "rule \(k): \(n) is '\(v)', expected \(e)"
        case .failed(let m): return m
        }
    }
}
