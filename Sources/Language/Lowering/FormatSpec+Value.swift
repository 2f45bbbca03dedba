extension FormatSpec {
    /// Formats an evaluated value; nil when the spec does not apply (a list, a boolean).
    func apply(to value: Value) -> String? {
        switch value {
        case .integer(let i): return apply(to: i)
        case .float(let d): return apply(to: d)
        case .string(let s): return apply(to: s)
        case .bool, .list: return nil
        }
    }
}
