extension ResourceSetting {
    /// The amount of a value only known when lowering (`env(...)`, `int(...)`), read with
    /// the checker's syntax and refused with the checker's message.
    package func amount(of value: Value, at location: SourceLocation) throws -> Int {
        let literal: Literal
        switch value {
        case .integer(let n): literal = .integer(n)
        case .string(let text): literal = .string(text)
        default: literal = .other
        }
        guard let amount = amount(literal) else { throw Diagnostic.at(location, refusal(found: Self.describe(value))) }
        return amount
    }

    /// A value as `Checker.describe` shows the literal: `"4X"`, `-2`, `1.5`, `true`, `a list`.
    static func describe(_ value: Value) -> String {
        switch value {
        case .string(let text): return "\"\(text)\""
        case .integer(let n): return "\(n)"
        case .float(let d): return "\(d)"
        case .bool(let b): return "\(b)"
        case .list: return "a list"
        }
    }
}
