import Language
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

    /// The settings of a block with where each one is written, for errors that name
    /// `file:line:col` (`Diagnostic.at(entry.valueLocation, ...)`).
    public func blockEntries(_ kind: String, name: String? = nil,
                             environment: [String: String]? = nil) throws -> [BlockEntry]? {
        guard let block = blocks.first(where: { $0.kind.name == kind && $0.name?.name == name }) else { return nil }
        let values = globals.values
        let evaluator = ExpressionEvaluator(lookup: { n, location in
            guard let v = values[n] else { throw Diagnostic.at(location, "unknown name '\(n)' in the '\(kind)' block") }
            return v
        }, environment: environment ?? currentEnvironment())
        return try block.settings.map {
            BlockEntry(key: $0.key.name, value: try evaluator.value($0.value), keyLocation: $0.key.location,
                       valueLocation: $0.value.location)
        }
    }
}

/// One `key VALUE` line of a settings block, evaluated.
public struct BlockEntry: Sendable {
    public var key: String
    public var value: Value
    public var keyLocation: SourceLocation
    public var valueLocation: SourceLocation
}
