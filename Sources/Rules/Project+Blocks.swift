extension Project {
    /// The settings of the block `KIND [NAME] { key VALUE ... }`, evaluated like lets
    /// (lets and `env(...)` resolved), or nil when the Arrakisfile has no such block.
    /// `history { url "postgresql://..." }` is read with `blockSettings("history")`.
    public func blockSettings(_ kind: String, name: String? = nil,
                              environment: [String: String]? = nil) throws -> [String: Value]? {
        guard let block = blocks.first(where: { $0.kind.name == kind && $0.name?.name == name }) else { return nil }
        let values = globals.values
        let evaluator = ExpressionEvaluator(lookup: { n, location in
            guard let v = values[n] else { throw Diagnostic.at(location, "unknown name '\(n)' in the '\(kind)' block") }
            return v
        }, environment: environment ?? currentEnvironment())
        var out: [String: Value] = [:]
        for setting in block.settings { out[setting.key.name] = try evaluator.value(setting.value) }
        return out
    }
}
